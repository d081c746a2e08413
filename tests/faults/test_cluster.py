"""Several of everything on a three-node RabbitMQ cluster, with a node lost mid-burst.

A three-node RabbitMQ cluster starts on this machine beside the main broker
(tests/faults/rabbit_cluster.py); Rebound's queues on it are quorum queues
replicated over all three. Two replicas of every relay and worker run against
it with PostgreSQL, every process given the three nodes in REBOUND_BUS_URL.
A burst of 2,000 rejections goes in; during it the node leading coach.events
is stopped, work must go on without it, and it is started again. Then the
same while one replica of each worker is also killed with SIGKILL (and
restarted, as Kubernetes would).

Invariant, read from the databases: every rejection has exactly one
reflection (coach) and one inbox item (notifier), nothing is left in the
outboxes, and no message reached a dead-letter queue.

Takes a few minutes: `make cluster`, or deselect with `-m "not cluster"`.
"""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from support import unavailable, wait_for
from tests.faults.pipeline import BACKGROUND, SERVICES, Pipeline
from tests.faults.rabbit_cluster import RabbitCluster, available

pytestmark = [pytest.mark.e2e, pytest.mark.cluster]

BURST = 2000
REPLICAS = (1, 2)
# The mailbox-worker rides along: it takes in every application and rejection (for matching mail).
WORKERS = BACKGROUND + ("mailbox-worker",)
QUEUES = ("tracker.events", "coach.events", "notifier.events", "mailbox.events")
DEAD = ("tracker.dead", "coach.dead", "notifier.dead", "mailbox.dead")


@pytest.fixture(scope="module")
def rabbit_cluster(tmp_path_factory):
    """Three nodes, joined; always stopped at the end, however the test went."""
    if not available():
        unavailable("no rabbitmq-server on this machine to start a cluster with")
    cluster = RabbitCluster(tmp_path_factory.mktemp("rabbit-cluster"))
    try:
        started = time.monotonic()
        cluster.start()
        print(f"cluster of {len(cluster.nodes)} nodes up in {time.monotonic() - started:.0f} s")
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def on_cluster(tmp_path, pg_database, rabbit_cluster):
    """(Pipeline on a fresh vhost of the cluster and fresh databases, the vhost); processes stopped after."""
    vhost = f"rebound-{uuid.uuid4().hex[:8]}"
    pipe = Pipeline(tmp_path, rabbit_cluster.add_vhost(vhost), {s: pg_database() for s in SERVICES + ("mailbox",)})
    pipe.stack.cli("migrate", "mailbox")
    pipe.migrate()
    yield pipe, vhost
    for name in pipe.procs:  # shown only when the test fails
        print(f"--- {name}\n{pipe.tail(name)}")
    pipe.stop()
    for node in rabbit_cluster.nodes:  # a node the test left stopped comes back for the next test
        if not node.running:
            rabbit_cluster.start_node(node)


def reflections(pipe: Pipeline) -> int:
    return pipe.scalar("coach", "SELECT count(*) FROM reflections WHERE application_id IS NOT NULL")


def by_kind(pipe: Pipeline, service: str, table: str) -> dict[str, int]:
    with pipe.engines[service].connect() as conn:
        return dict(conn.execute(text(f"SELECT kind, count(*) FROM {table} GROUP BY kind ORDER BY kind")).all())


def brokers_used(pipe: Pipeline, name: str) -> list[int]:
    """The broker port of each connection the process consumed on, in order (a reconnection adds one)."""
    return [int(line["broker"].rsplit(":", 1)[1].split("/", 1)[0])
            for line in pipe.log_has(name, msg="consuming")]


def assert_moved_off(report: dict, cluster: RabbitCluster) -> None:
    """Every process connected to the stopped node consumed again on another one."""
    stopped = next(node.port for node in cluster.nodes if node.name == report["stopped"])
    on_it = {name: ports for name, ports in report["brokers"].items() if ports[0] == stopped}
    assert on_it, f"no process was connected to {report['stopped']}: {report['brokers']}"
    for name, ports in on_it.items():
        if name not in report["killed"]:
            assert any(port != stopped for port in ports[1:]), f"{name} never moved: {ports}"


def start_replicas(pipe: Pipeline) -> None:
    for process in WORKERS:
        for replica in REPLICAS:
            pipe.spawn(process, f"{process}-{replica}")
            if process not in BACKGROUND:
                pipe.wait_consuming(f"{process}-{replica}")


def mailbox_taken_in(pipe: Pipeline) -> int:
    """Rejections the mailbox's workers handled (its processed_events keeps each event id once)."""
    engine = create_engine(pipe.urls["mailbox"])
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM processed_events "
                                     "WHERE event_type = 'application.rejected'")).scalar()
    finally:
        engine.dispose()


def assert_replicated(cluster: RabbitCluster, vhost: str) -> None:
    queues = cluster.queues(vhost)
    everyone = {node.name for node in cluster.nodes}
    for name in QUEUES + DEAD:
        assert queues[name]["type"] == "quorum", name
        assert set(queues[name]["members"]) == everyone, f"{name} is not on every node: {queues[name]}"


def burst_with_a_lost_leader(pipe: Pipeline, cluster: RabbitCluster, vhost: str, kill_replicas: bool) -> dict:
    """Record the burst in the background; stop coach.events' leader (and SIGKILL replicas) during it."""
    started = time.monotonic()
    recorder = threading.Thread(target=pipe.record_rejections, args=(BURST,),
                                kwargs={"users": 20, "per_transaction": 50}, daemon=True)
    recorder.start()
    wait_for(lambda: reflections(pipe) >= BURST // 10, timeout=180, interval=0.2,
             message=lambda: f"the burst never got going: {pipe.counts()}")
    leader = cluster.leader_of("coach.events", vhost)
    at_stop = reflections(pipe)
    stop_s = cluster.stop_node(leader)
    killed = []
    if kill_replicas:
        for process in WORKERS:
            killed.append(f"{process}-1")
            assert pipe.kill(killed[-1]) == -9
    wait_for(lambda: reflections(pipe) >= at_stop + BURST // 5, timeout=300, interval=0.5,
             message=lambda: f"no progress without {leader.name}: {pipe.counts()}")
    done_without = reflections(pipe) - at_stop
    restart_started = time.monotonic()
    cluster.start_node(leader)
    cluster.await_members(len(cluster.nodes))
    restart_s = time.monotonic() - restart_started
    for name in killed:  # as Kubernetes restarts a killed container
        pipe.spawn(name.rsplit("-", 1)[0], name)
    recorder.join(timeout=300)
    assert not recorder.is_alive(), "recording the burst never finished"
    counts = pipe.wait_exactly_once(BURST, timeout=600)
    mailbox = wait_for(lambda: (n := mailbox_taken_in(pipe)) >= BURST and n, timeout=300, interval=0.5,
                       message=lambda: f"the mailbox took in {mailbox_taken_in(pipe)} of {BURST} rejections")
    dead = {name: cluster.queues(vhost)[name]["messages"] for name in DEAD}
    report = {
        "seconds": round(time.monotonic() - started, 1), "stopped": leader.name, "stop_s": round(stop_s, 1),
        "restart_s": round(restart_s, 1), "reflections_while_down": done_without, "killed": killed,
        "new_leader": cluster.leader_of("coach.events", vhost).name, "dead_letters": dead,
        "counts": counts, "mailbox_rejections_taken_in": mailbox, "coach_reflections_by_kind": by_kind(pipe, "coach", "reflections"),
        "notifier_inbox_by_kind": by_kind(pipe, "notifier", "notifications"),
        "notifier_unsent": pipe.scalar("notifier", "SELECT count(*) FROM outbox WHERE sent_at IS NULL"),
        "brokers": {name: brokers_used(pipe, name) for name in pipe.procs},
    }
    print("cluster burst:", report)
    assert dead == {name: 0 for name in DEAD}, dead
    assert mailbox == BURST
    assert report["notifier_unsent"] == 0
    return report


def test_a_burst_survives_losing_the_leader_of_coach_events(on_cluster, rabbit_cluster):
    pipe, vhost = on_cluster
    start_replicas(pipe)
    assert_replicated(rabbit_cluster, vhost)
    report = burst_with_a_lost_leader(pipe, rabbit_cluster, vhost, kill_replicas=False)
    assert_moved_off(report, rabbit_cluster)


def test_a_burst_survives_losing_the_leader_and_a_replica_of_each_worker(on_cluster, rabbit_cluster):
    pipe, vhost = on_cluster
    start_replicas(pipe)
    assert_replicated(rabbit_cluster, vhost)
    report = burst_with_a_lost_leader(pipe, rabbit_cluster, vhost, kill_replicas=True)
    assert len(report["killed"]) == len(WORKERS)
    assert_moved_off(report, rabbit_cluster)

"""The RabbitMQ broker the tests use, and a fresh vhost for each test that asks."""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from kombu import Connection

from shared import topology

from .infra import docker_engine_answers, unavailable, unique_name
from .polling import wait_for

log = logging.getLogger(__name__)

LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
RABBITMQ_IMAGE = "rabbitmq:3.13"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def amqp_answers(url: str) -> bool:
    connection = Connection(url, connect_timeout=3)
    try:
        connection.ensure_connection(max_retries=0)
        return True
    except Exception:  # refused, bad credentials, no such vhost: all mean "no"
        return False
    finally:
        connection.release()


def with_vhost(url: str, vhost: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), "", ""))


def vhost_of(url: str) -> str:
    path = urlsplit(url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def reset_topology(url: str) -> None:
    """Delete the topology's queues and exchanges: isolation where vhosts can't be made."""
    with Connection(url, connect_timeout=5) as connection:
        channel = connection.channel()
        for service in topology.SUBSCRIPTIONS:
            for name in (f"{service}.events", f"{service}.dead"):
                channel.queue_delete(name)
        for exchange in (topology.EVENTS, topology.DEAD, topology.REPLAY):
            channel.exchange_delete(exchange.name)


class Rabbit:
    """A broker that hands out vhosts no test used before, and deletes them again.

    `ctl(args)` runs rabbitmqctl (here or inside a container) and returns its
    output. Without it the broker is used as it is, and `new_vhost` only
    deletes the topology's queues and exchanges between tests.
    """

    BATCH = 4  # vhosts made per rabbitmqctl call (each call costs about a second)

    def __init__(self, base_url: str, ctl=None, *, local_ctl: bool = False, container=None):
        self.base_url = base_url
        self.user = urlsplit(base_url).username or "guest"
        self._ctl = ctl
        self._local_ctl = local_ctl
        self.container = container
        self._spare: list[str] = []
        self.created: list[str] = []
        self._lock = threading.Lock()
        self._deleter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vhost-delete")

    @property
    def can_manage(self) -> bool:
        return self._ctl is not None

    def ctl(self, *args: str) -> str:
        if self._ctl is None:
            unavailable("rabbitmqctl is not available for this broker")
        return self._ctl(list(args))

    def url(self, vhost: str) -> str:
        return with_vhost(self.base_url, vhost)

    def new_vhost(self) -> str:
        """The URL of a vhost that no test has used yet."""
        if not self.can_manage:
            reset_topology(self.base_url)
            return self.base_url
        with self._lock:
            if not self._spare:
                names = [unique_name("rebound-test-") for _ in range(self.BATCH)]
                self._create(names)
                self.created.extend(names)
                self._spare.extend(names)
            return self.url(self._spare.pop())

    def _create(self, names: list[str]) -> None:
        if self._local_ctl:
            try:
                self._import(names)
                return
            except subprocess.CalledProcessError:
                pass  # a rabbitmqctl without import_definitions: one vhost at a time
        for name in names:
            self.ctl("add_vhost", name)
            self.ctl("set_permissions", "-p", name, self.user, ".*", ".*", ".*")

    def _import(self, names: list[str]) -> None:
        definitions = {
            "vhosts": [{"name": n} for n in names],
            "permissions": [{"user": self.user, "vhost": n, "configure": ".*",
                             "write": ".*", "read": ".*"} for n in names],
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(definitions, handle)
        os.chmod(handle.name, 0o644)
        try:
            self.ctl("import_definitions", handle.name)
        finally:
            os.unlink(handle.name)

    def close_connections(self, url: str, reason: str = "test") -> int:
        """Have the broker close every client connection of the URL's vhost; return how many."""
        output = self.ctl("close_all_connections", "-p", vhost_of(url), reason)
        numbers = [int(word) for word in output.split() if word.isdigit()]
        return numbers[0] if numbers else 0

    def connection_count(self, url: str) -> int:
        """How many client connections the broker has open in the URL's vhost."""
        output = self.ctl("list_connections", "--no-table-headers", "vhost")
        return sum(1 for line in output.splitlines() if line.strip() == vhost_of(url))

    def release(self, url: str) -> None:
        """Delete a vhost a test is done with, in the background."""
        vhost = vhost_of(url)
        with self._lock:
            if not self.can_manage or vhost not in self.created:
                return
            self.created.remove(vhost)
        self._deleter.submit(self._delete_quietly, vhost)

    def delete_all(self) -> None:
        """Delete every vhost still there (unused spares included) and wait for it."""
        with self._lock:
            names, self.created, self._spare = self.created, [], []
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(self._delete_quietly, names))
        self._deleter.shutdown(wait=True)

    def _delete_quietly(self, name: str) -> None:
        try:
            self.ctl("delete_vhost", name)
        except Exception:  # a vhost left behind is untidy, not a test failure
            pass

    def stop(self) -> None:
        self.delete_all()
        if self.container is not None:
            self.container.stop()


def _local_ctl(args: list[str]) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True,
                          timeout=60, check=False)
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)
    return done.stdout


def _container_ctl(container):
    def run(args: list[str]) -> str:
        result = container.exec(["rabbitmqctl", "-q", *args])
        output = result.output.decode() if isinstance(result.output, bytes) else str(result.output)
        if result.exit_code != 0:
            raise subprocess.CalledProcessError(result.exit_code, args, output)
        return output
    return run


def start_rabbit() -> Rabbit | None:
    """The broker to use (env URL, container, or local default), or None."""
    explicit = os.environ.get("REBOUND_TEST_AMQP_URL")
    if explicit:
        if not amqp_answers(explicit):
            return None
        local = urlsplit(explicit).hostname in LOCAL_HOSTS and shutil.which("rabbitmqctl") is not None
        return Rabbit(explicit, _local_ctl if local else None, local_ctl=local)
    if docker_engine_answers():
        broker = _start_container()
        if broker is not None:
            return broker
    if amqp_answers(LOCAL_AMQP_URL):
        local = shutil.which("rabbitmqctl") is not None
        return Rabbit(LOCAL_AMQP_URL, _local_ctl if local else None, local_ctl=local)
    return None


def _start_container() -> Rabbit | None:
    from testcontainers.core.container import DockerContainer

    container = DockerContainer(RABBITMQ_IMAGE).with_exposed_ports(5672)
    try:
        container.start()
        url = (f"amqp://guest:guest@{container.get_container_host_ip()}:"
               f"{container.get_exposed_port(5672)}/")
        wait_for(lambda: amqp_answers(url), timeout=120, interval=1,
                 message="the RabbitMQ container did not start")
    except Exception as exc:  # no image, no network: try the local broker instead
        log.warning("RabbitMQ container failed: %s", exc)
        try:
            container.stop()
        except Exception:  # nothing started, nothing to stop
            pass
        return None
    return Rabbit(url, _container_ctl(container), container=container)


def queue_depth(url: str, queue: str) -> int:
    """Ready messages in a queue (a passive declare: fails if it does not exist)."""
    with Connection(url, connect_timeout=5) as connection:
        return connection.channel().queue_declare(queue, passive=True).message_count


def drain_queue(url: str, queue: str, limit: int = 1000) -> list:
    """Take (and ack) every ready message of a queue; return kombu messages."""
    taken = []
    with Connection(url, connect_timeout=5) as connection:
        channel = connection.channel()
        while len(taken) < limit:
            message = channel.basic_get(queue, no_ack=False)
            if message is None:
                break
            message = channel.message_to_python(message)
            message.ack()
            taken.append(message)
    return taken

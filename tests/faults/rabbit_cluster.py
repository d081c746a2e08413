"""A three-node RabbitMQ cluster on this machine, beside the main broker, for the cluster fault test.

Each node has its own name (rebound-cN-<pid>@localhost), AMQP and
distribution ports, data, log and plugin files, config and env files (so
nothing of /etc/rabbitmq applies), and one Erlang cookie shared by the three
(in a HOME of their own). Nodes 2 and 3 join node 1 with `join_cluster`.
Every command names its node with -n: the machine's own rabbit@ node is
never addressed. The scripts under /usr/lib/rabbitmq/bin are run directly:
the /usr/sbin wrappers would switch to the rabbitmq user and its cookie.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from support import wait_for
from support.ports import free_port

BIN = Path("/usr/lib/rabbitmq/bin")


def available() -> bool:
    return (BIN / "rabbitmq-server").exists() and (BIN / "rabbitmqctl").exists()


@dataclass
class Node:
    name: str
    port: int
    dist_port: int
    base: Path
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class RabbitCluster:
    def __init__(self, root: Path, size: int = 3):
        self.root = root
        self.home = root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(16).upper())
        cookie.chmod(0o400)
        (root / "rabbitmq-env.conf").write_text("")  # instead of /etc/rabbitmq/rabbitmq-env.conf
        tag = os.getpid()
        self.nodes = [self._node(f"rebound-c{i}-{tag}@localhost", root / f"c{i}") for i in range(1, size + 1)]

    def _node(self, name: str, base: Path) -> Node:
        node = Node(name, free_port(), free_port(), base)
        base.mkdir(parents=True, exist_ok=True)
        (base / "enabled_plugins").write_text("[].\n")  # no management plugin: not needed
        (base / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{node.port}\n"
            "log.console = false\nlog.file.level = info\n"
            "loopback_users.guest = true\n")
        return node

    # --- environment and commands -------------------------------------------------

    def env(self, node: Node | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update(HOME=str(self.home), RABBITMQ_CONF_ENV_FILE=str(self.root / "rabbitmq-env.conf"),
                   ERL_EPMD_ADDRESS="127.0.0.1")
        if node is not None:
            env.update(
                RABBITMQ_NODENAME=node.name, RABBITMQ_NODE_PORT=str(node.port),
                RABBITMQ_DIST_PORT=str(node.dist_port),
                RABBITMQ_MNESIA_BASE=str(node.base / "mnesia"), RABBITMQ_LOG_BASE=str(node.base / "log"),
                RABBITMQ_ENABLED_PLUGINS_FILE=str(node.base / "enabled_plugins"),
                RABBITMQ_CONFIG_FILE=str(node.base / "rabbitmq.conf"),
                RABBITMQ_ADVANCED_CONFIG_FILE=str(node.base / "advanced.config"),
                RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
            )
        return env

    def ctl(self, node: Node, *args: str, tool: str = "rabbitmqctl", timeout: float = 90,
            check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(BIN / tool), "-n", node.name, *args], env=self.env(), capture_output=True,
                                text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"{tool} -n {node.name} {' '.join(args)}: {result.stdout}{result.stderr}")
        return result

    # --- life cycle --------------------------------------------------------------------

    def start(self) -> "RabbitCluster":
        for node in self.nodes:
            self.start_node(node, wait=False)
        for node in self.nodes:
            self.await_node(node)
        first = self.nodes[0]
        for node in self.nodes[1:]:
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", first.name)
            self.ctl(node, "start_app")
        self.await_members(len(self.nodes))
        return self

    def start_node(self, node: Node, wait: bool = True) -> None:
        log = open(node.base / "stdout.log", "ab")
        node.proc = subprocess.Popen([str(BIN / "rabbitmq-server")], env=self.env(node), stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True, cwd=node.base)
        log.close()
        if wait:
            self.await_node(node)

    def await_node(self, node: Node, timeout: float = 120) -> None:
        def up() -> bool:
            assert node.running, f"{node.name} exited: {self.tail(node)}"
            return self.ctl(node, "await_startup", "--timeout", "5", check=False, timeout=30).returncode == 0
        wait_for(up, timeout=timeout, interval=1, message=lambda: f"{node.name} never started: {self.tail(node)}")

    def await_members(self, count: int, timeout: float = 60) -> None:
        def joined() -> bool:
            result = self.ctl(self.any_running(), "cluster_status", "--formatter", "json", check=False)
            return result.returncode == 0 and len(json.loads(result.stdout)["running_nodes"]) == count
        wait_for(joined, timeout=timeout, interval=1, message=f"the cluster never had {count} running nodes")

    def stop_node(self, node: Node) -> float:
        """Stop one node as an operator (or Kubernetes) would; seconds it took."""
        started = time.monotonic()
        self.ctl(node, "shutdown", timeout=120)
        node.proc.wait(timeout=60)
        return time.monotonic() - started

    def close(self) -> None:
        """Stop every node this cluster started; SIGKILL what does not stop."""
        for node in self.nodes:
            if node.running:
                self.ctl(node, "shutdown", check=False, timeout=60)
        for node in self.nodes:
            if node.proc is None:
                continue
            try:
                node.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(node.proc.pid, signal.SIGKILL)
                node.proc.wait(timeout=30)
            # epmd-launched helpers (erl_child_setup, inet_gethost) die with the node's session.
            try:
                os.killpg(node.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def remove_files(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # --- what the cluster holds ------------------------------------------------------------

    def any_running(self) -> Node:
        return next(node for node in self.nodes if node.running)

    def add_vhost(self, vhost: str) -> str:
        """A vhost guest may use; REBOUND_BUS_URL naming every node for it, separated by ';'."""
        node = self.any_running()
        self.ctl(node, "add_vhost", vhost)
        self.ctl(node, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        return ";".join(f"{n.url}{vhost}" for n in self.nodes)

    def queues(self, vhost: str) -> dict[str, dict]:
        result = self.ctl(self.any_running(), "list_queues", "-p", vhost, "name", "type", "leader", "members",
                          "messages", "--formatter", "json")
        return {q["name"]: q for q in json.loads(result.stdout)}

    def leader_of(self, queue: str, vhost: str) -> Node:
        leader = self.queues(vhost)[queue]["leader"]
        return next(node for node in self.nodes if node.name == leader)

    def tail(self, node: Node, lines: int = 15) -> str:
        logs = sorted((node.base / "log").glob("*.log")) + [node.base / "stdout.log"]
        text = "\n".join(p.read_text(errors="replace") for p in logs if p.exists())
        return "\n".join(text.splitlines()[-lines:])

"""deploy/kubernetes: every overlay renders, every object is valid, and the rules hold.

`kubectl kustomize` renders each overlay; core kinds are checked against the
Kubernetes API schemas (kubernetes-validate, strict: an unknown field fails),
the operators' kinds against the schemas vendored in deploy/kubernetes/schemas/.
Then the rules this deployment promises: non-root and read-only pods, probes,
measured requests and limits, one migration Job per service, Secrets by name
only, one Ingress (the frontend's), and NetworkPolicies that let only the
frontend be reached from outside, only the frontend reach the services, and
everything reach the broker and the database.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest

from shared.config import SERVICES
from rebound.processes import PROCESSES
from support import unavailable

ROOT = Path(__file__).resolve().parents[2]
KUBE = ROOT / "deploy" / "kubernetes"
SCHEMAS = KUBE / "schemas"
OVERLAYS = ("small", "ha")
KUBERNETES_VERSION = "1.31"  # the oldest minor still supported upstream when this was written
CRD_SCHEMAS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): "rabbitmqcluster-rabbitmq.com-v1beta1.json",
    ("postgresql.cnpg.io/v1", "Cluster"): "cluster-postgresql.cnpg.io-v1.json",
    ("postgresql.cnpg.io/v1", "Database"): "database-postgresql.cnpg.io-v1.json",
}
HEALTHCHECK = ["python", "/app/deploy/healthcheck.py"]
BROKER = {"app.kubernetes.io/name": "rebound-rabbitmq"}   # labels the RabbitMQ operator gives its pods
DATABASE = {"cnpg.io/cluster": "rebound-db"}               # labels CloudNativePG gives its pods
OUTSIDE = None                                             # a client outside the cluster


def render(overlay: str) -> list[dict]:
    import yaml
    if shutil.which("kubectl") is None:
        unavailable("kubectl is not installed")
    result = subprocess.run(["kubectl", "kustomize", str(KUBE / "overlays" / overlay)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request) -> tuple[str, list[dict]]:
    return request.param, render(request.param)


@pytest.fixture(scope="module")
def objects(overlay) -> list[dict]:
    return overlay[1]


def of_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def pod_labels(workload: dict) -> dict:
    return workload["spec"]["template"]["metadata"]["labels"]


def env_names(workload: dict) -> set[str]:
    return {e["name"] for e in container(workload).get("env", [])}


# --------------------------------------------------------------------------
# rendering and schemas
# --------------------------------------------------------------------------

def test_every_object_passes_its_schema(objects):
    problems = []
    for obj in objects:
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        key = (obj["apiVersion"], obj["kind"])
        try:
            if key in CRD_SCHEMAS:
                jsonschema.validate(obj, json.loads((SCHEMAS / CRD_SCHEMAS[key]).read_text()))
            else:
                kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as exc:
            problems.append(f"{where}: {getattr(exc, 'message', exc)}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{where}: no schema for {key}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("broken,expected", [
    ({"spec": {"replicas": "three"}}, "replicas"),
    ({"spec": {"replica": 3}}, "replica"),
    ({"spec": {"persistence": {"storage": "lots"}}}, "lots"),
])
def test_the_vendored_rabbitmq_schema_catches_mistakes(broken, expected):
    rabbit = {"apiVersion": "rabbitmq.com/v1beta1", "kind": "RabbitmqCluster", "metadata": {"name": "r"}, **broken}
    schema = json.loads((SCHEMAS / CRD_SCHEMAS[("rabbitmq.com/v1beta1", "RabbitmqCluster")]).read_text())
    with pytest.raises(jsonschema.ValidationError, match=expected):
        jsonschema.validate(rabbit, schema)


@pytest.mark.parametrize("spec", [
    {"instances": 0}, {"instances": 3, "primaryUpdateStrategy": "sometimes"},
    {"instances": 3, "managed": {"roles": [{"name": "coach", "login": "yes"}]}},
    {"instances": 3, "postgresql": {"synchronous": {"method": "any"}}},
])
def test_the_vendored_postgres_schema_catches_mistakes(spec):
    cluster = {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": "db"}, "spec": spec}
    schema = json.loads((SCHEMAS / CRD_SCHEMAS[("postgresql.cnpg.io/v1", "Cluster")]).read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(cluster, schema)


def test_a_core_object_with_an_unknown_field_fails_strict_validation():
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
                  "spec": {"selector": {"matchLabels": {"a": "b"}}, "replica": 2,
                           "template": {"metadata": {"labels": {"a": "b"}},
                                        "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


# --------------------------------------------------------------------------
# one Deployment per process, from one image
# --------------------------------------------------------------------------

def test_one_deployment_per_process_of_the_procfile(objects):
    procfile = {line.split(":", 1)[0] for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()}
    deployments = of_kind(objects, "Deployment")
    assert set(deployments) == procfile == set(PROCESSES)
    assert len({container(d)["image"] for d in deployments.values()}) == 1
    for name, deployment in deployments.items():
        assert container(deployment)["args"] == ["rebound", "run", name]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels(deployment).items()


def test_pods_run_as_non_root_on_a_read_only_root(objects):
    workloads = {**of_kind(objects, "Deployment"), **of_kind(objects, "Job")}
    for name, workload in workloads.items():
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] != 0, name
        assert pod["automountServiceAccountToken"] is False, name
        context = container(workload)["securityContext"]
        assert context["readOnlyRootFilesystem"] is True, name
        assert context["allowPrivilegeEscalation"] is False, name
        assert context["capabilities"]["drop"] == ["ALL"], name
        # What must be written has a volume of its own.
        mounts = {m["mountPath"]: m["name"] for m in container(workload)["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert {"/tmp", "/data"} <= set(mounts), name
        assert all("emptyDir" in volumes[v] for v in mounts.values()), name


def measured_rss_mb() -> dict[str, list[float]]:
    """docs/benchmarks.md (7): RSS after a burst, per process: [master, worker 1, ...]."""
    found: dict[str, list[float]] = {}
    text = (ROOT / "docs" / "benchmarks.md").read_text()
    for process, worker, value in re.findall(r"^\| \(7\) RSS after burst: ([\w-]+)( worker \d+)? \| ([\d.]+) \| MB",
                                             text, re.M):
        found.setdefault(process, []).append(float(value))
    return found


def mebibytes_as_mb(quantity: str) -> float:
    units = {"Mi": 1.048576, "Gi": 1073.741824}
    return float(quantity[:-2]) * units[quantity[-2:]]


def test_every_deployment_has_requests_and_limits_from_the_measurements(objects):
    rss = measured_rss_mb()
    config = of_kind(objects, "ConfigMap")["rebound-config"]["data"]
    web_workers = int(config["REBOUND_WEB_WORKERS"])
    assert set(rss) == set(PROCESSES), "docs/benchmarks.md measures every process"
    for name, deployment in of_kind(objects, "Deployment").items():
        resources = container(deployment)["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), name
        assert {"cpu", "memory"} <= set(resources["limits"]), name
        master, *workers = rss[name]
        # A web process is its gunicorn master and REBOUND_WEB_WORKERS workers.
        expected = master + (web_workers * max(workers) if workers else 0)
        assert mebibytes_as_mb(resources["requests"]["memory"]) >= expected, name
        assert mebibytes_as_mb(resources["limits"]["memory"]) >= 1.5 * expected, name
    for name, job in of_kind(objects, "Job").items():
        assert {"cpu", "memory"} <= set(container(job)["resources"]["limits"]), name


def test_probes(objects):
    for name, deployment in of_kind(objects, "Deployment").items():
        main = container(deployment)
        if PROCESSES[name][1] == "web":
            port = main["ports"][0]["name"]
            assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}, name
            assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}, name
        else:
            # The image's own HEALTHCHECK command for readiness; liveness asks only "is it running?".
            assert main["readinessProbe"]["exec"]["command"] == HEALTHCHECK, name
            assert main["livenessProbe"]["exec"]["command"] == [*HEALTHCHECK, "--alive"], name
            assert "ports" not in main, name


def test_the_readiness_command_is_the_images_health_check():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert f"CMD {json.dumps(HEALTHCHECK)}" in dockerfile


# --------------------------------------------------------------------------
# settings, secrets and migrations
# --------------------------------------------------------------------------

def test_a_migration_job_per_service_and_no_migrating_at_start(objects):
    jobs = of_kind(objects, "Job")
    assert {container(j)["args"][2] for j in jobs.values()} == set(SERVICES)
    for job in jobs.values():
        assert container(job)["args"][:2] == ["rebound", "migrate"]
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    config = of_kind(objects, "ConfigMap")["rebound-config"]["data"]
    assert config["REBOUND_MIGRATE_ON_START"] == "false"
    for name, workload in {**of_kind(objects, "Deployment"), **jobs}.items():
        assert {"configMapRef": {"name": "rebound-config"}} in container(workload)["envFrom"], name


def test_each_process_knows_only_its_own_database(objects):
    for name, workload in {**of_kind(objects, "Deployment"), **of_kind(objects, "Job")}.items():
        service = pod_labels(workload)["rebound.app/service"]
        urls = {n for n in env_names(workload) if n.endswith("_DATABASE_URL")}
        assert urls == {f"REBOUND_{service.upper()}_DATABASE_URL"}, name
        refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container(workload)["env"] if "valueFrom" in e}
        assert {r for r in refs if r.startswith("rebound-db-")} == {f"rebound-db-{service}"}, name


def test_secrets_are_referenced_by_name_and_never_committed(objects):
    assert not of_kind(objects, "Secret")
    for name, workload in {**of_kind(objects, "Deployment"), **of_kind(objects, "Job")}.items():
        for entry in container(workload)["env"]:
            if entry["name"] in ("REBOUND_BUS_URL", "REBOUND_SECRET_KEY", "REBOUND_INTERNAL_SECRET", "DB_PASSWORD"):
                assert "value" not in entry and "secretKeyRef" in entry["valueFrom"], (name, entry["name"])
        for entry in container(workload)["env"]:
            if entry.get("value", "").startswith("postgresql"):
                assert "$(DB_PASSWORD)" in entry["value"], name
    roles = of_kind(objects, "Cluster")["rebound-db"]["spec"]["managed"]["roles"]
    assert {r["name"]: r["passwordSecret"]["name"] for r in roles} == {s: f"rebound-db-{s}" for s in SERVICES}
    assert {d["spec"]["name"]: d["spec"]["owner"] for d in of_kind(objects, "Database").values()} == \
        {s: s for s in SERVICES}


# --------------------------------------------------------------------------
# the way in, and who may talk to whom
# --------------------------------------------------------------------------

def test_only_the_frontend_has_an_ingress_and_services_stay_inside(objects):
    (ingress,) = of_kind(objects, "Ingress").values()
    backends = {p["backend"]["service"]["name"] for rule in ingress["spec"]["rules"]
                for p in rule["http"]["paths"]}
    assert backends == {"frontend"}
    services = of_kind(objects, "Service")
    assert set(services) == {p for p, (_, kind) in PROCESSES.items() if kind == "web"}
    for name, service in services.items():
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP", name
        assert service["spec"]["selector"] == {"app.kubernetes.io/name": name}


def _matches(selector: dict, labels: dict) -> bool:
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", "the evaluator knows In only"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def _peer_matches(peer: dict, source: dict | None) -> bool:
    """Does a from/to peer take `source` (a pod's labels in this namespace, or OUTSIDE)?"""
    if source is OUTSIDE:
        return "ipBlock" in peer and peer["ipBlock"]["cidr"] == "0.0.0.0/0"
    if "namespaceSelector" in peer or "ipBlock" in peer:
        return False  # other namespaces (DNS, operators) and addresses outside
    return _matches(peer["podSelector"], source)


def _allowed(policies: list[dict], direction: str, pod: dict, peer: dict | None, port: int) -> bool:
    kind, rules_key, peers_key = {"in": ("Ingress", "ingress", "from"), "out": ("Egress", "egress", "to")}[direction]
    selecting = [p for p in policies if kind in p["spec"]["policyTypes"] and _matches(p["spec"]["podSelector"], pod)]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get(rules_key, []):
            peers_ok = peers_key not in rule or any(_peer_matches(x, peer) for x in rule[peers_key])
            ports_ok = "ports" not in rule or any(p["port"] == port for p in rule["ports"])
            if peers_ok and ports_ok:
                return True
    return False


def can_connect(policies, source: dict | None, target: dict, port: int) -> bool:
    """Both ends must allow it: the source's egress (unless outside) and the target's ingress."""
    out_ok = source is OUTSIDE or _allowed(policies, "out", source, target, port)
    return out_ok and _allowed(policies, "in", target, source, port)


def test_network_policies(objects):
    policies = list(of_kind(objects, "NetworkPolicy").values())
    pods = {name: pod_labels(d) for name, d in of_kind(objects, "Deployment").items()}
    ports = {name: container(d)["ports"][0]["containerPort"] for name, d in of_kind(objects, "Deployment").items()
             if "ports" in container(d)}
    for name, labels in pods.items():
        for port in (ports.get(name, 8000), 5672, 5432, 9999):
            reachable = can_connect(policies, OUTSIDE, labels, port)
            assert reachable is (name == "frontend" and port == 8000), f"outside -> {name}:{port}"
        for other, other_labels in pods.items():
            if name in ports:
                expected = other == "frontend" and name != "frontend"
                assert can_connect(policies, other_labels, labels, ports[name]) is expected, f"{other} -> {name}"
        # Everything reaches the broker and the database...
        assert can_connect(policies, labels, BROKER, 5672), f"{name} -> broker"
        assert can_connect(policies, labels, DATABASE, 5432), f"{name} -> database"
        # ... but not another service's admin ports, nor the outside world (except the notifier's channels).
        assert not can_connect(policies, labels, BROKER, 15672), f"{name} -> broker management"
    for name, job in of_kind(objects, "Job").items():
        assert can_connect(policies, pod_labels(job), DATABASE, 5432), name
    # The broker and the database take nobody from outside.
    assert not can_connect(policies, OUTSIDE, BROKER, 5672)
    assert not can_connect(policies, OUTSIDE, DATABASE, 5432)
    notifier = pods["notifier-worker"]
    assert any(_allowed([p], "out", notifier, OUTSIDE, 587) for p in policies
               if _matches(p["spec"]["podSelector"], notifier) and "Egress" in p["spec"]["policyTypes"])
    assert not any(_allowed([p], "out", pods["coach-worker"], OUTSIDE, 443) for p in policies
                   if _matches(p["spec"]["podSelector"], pods["coach-worker"]) and p["spec"].get("egress"))


def test_a_disruption_budget_per_deployment(objects):
    budgets = of_kind(objects, "PodDisruptionBudget")
    for name, deployment in of_kind(objects, "Deployment").items():
        covering = [b for b in budgets.values() if _matches(b["spec"]["selector"], pod_labels(deployment))]
        assert len(covering) == 1, name
        assert covering[0]["spec"]["maxUnavailable"] == 1, name


# --------------------------------------------------------------------------
# the overlays
# --------------------------------------------------------------------------

def test_replicas_and_spread(overlay):
    name, objects = overlay
    rabbit = of_kind(objects, "RabbitmqCluster")["rebound-rabbitmq"]["spec"]
    postgres = of_kind(objects, "Cluster")["rebound-db"]["spec"]
    for process, deployment in of_kind(objects, "Deployment").items():
        replicas = deployment["spec"]["replicas"]
        if name == "small":
            assert replicas == 1, process
            continue
        assert replicas >= 2, process
        spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        by_node = [c for c in spread if c["topologyKey"] == "kubernetes.io/hostname"]
        assert by_node and by_node[0]["whenUnsatisfiable"] == "DoNotSchedule", process
        assert _matches(by_node[0]["labelSelector"], pod_labels(deployment)), process
    if name == "ha":
        assert rabbit["replicas"] == 3 and postgres["instances"] == 3
        assert postgres["postgresql"]["synchronous"]["number"] >= 1
        assert postgres["affinity"]["podAntiAffinityType"] == "required"
    else:
        assert rabbit["replicas"] == 1 and postgres["instances"] == 1
        assert "synchronous" not in postgres["postgresql"]

"""Each version is defined once, in the Maven parent (pom.xml): the roles read it from there and
no other tracked file spells it out."""
from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import ROOT, ansible_env, run

POM = (ROOT / "pom.xml").read_text(encoding="utf-8")
VERSIONS = {
    "pipeline_kafka_version": re.search(r"<kafka.version>([^<]+)<", POM).group(1),
    "pipeline_strimzi_version": re.search(r"<strimzi.version>([^<]+)<", POM).group(1),
    "pipeline_image_tag": re.search(r"<artifactId>kafka-edge-parent</artifactId>\s*<version>([^<]+)<", POM).group(1),
}
# Role variables that must follow the pom's versions, and the one they follow.
FOLLOWERS = {
    "edge_pipeline_kafka_version": "pipeline_kafka_version",
    "hq_pipeline_kafka_version": "pipeline_kafka_version",
    "strimzi_operator_version": "pipeline_strimzi_version",
    "service_images_tag": "pipeline_image_tag",
}
PLAY = """
- hosts: localhost
  gather_facts: false
  roles: [strimzi_operator, edge_pipeline, hq_pipeline, service_images]
"""


@pytest.fixture(scope="module")
def resolved(tmp_path_factory):
    """Every version variable as a play that uses the roles sees it (nothing is applied)."""
    play = tmp_path_factory.mktemp("versions") / "play.yml"
    names = [*VERSIONS, *FOLLOWERS, "edge_pipeline_aggregator_image", "hq_pipeline_frontend_image"]
    play.write_text(PLAY.replace("roles: [", "tasks:\n    - ansible.builtin.debug:\n        msg: "
                                 + json.dumps("{{ {" + ", ".join(f"'{n}': {n}" for n in names) + "} | to_json }}")
                                 + "\n      tags: [always]\n  roles: ["), encoding="utf-8")
    # Only `always` tasks run (the roles' argument checks and the debug task): every other task of
    # the roles is tagged with its role's name.
    result = run(["ansible-playbook", str(play), "-i", "localhost,", "-c", "local", "--tags", "always",
                  "-e", "site_name=versions"], env=ansible_env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    plays = json.loads(result.stdout[result.stdout.index("{"):])["plays"]
    for task in plays[0]["tasks"]:
        msg = task["hosts"]["localhost"].get("msg")
        if isinstance(msg, str) and "pipeline_kafka_version" in msg:
            return json.loads(msg)
        if isinstance(msg, dict) and "pipeline_kafka_version" in msg:
            return msg
    raise AssertionError(f"no debug output in {result.stdout[-3000:]}")


@pytest.mark.parametrize("name", sorted(VERSIONS))
def test_pipeline_reads_the_version_from_the_pom(resolved, name):
    assert resolved[name] == VERSIONS[name]


@pytest.mark.parametrize("name", sorted(FOLLOWERS))
def test_role_defaults_follow_the_pom(resolved, name):
    assert resolved[name] == resolved[FOLLOWERS[name]]


def test_the_images_carry_the_project_version(resolved):
    tag = resolved["pipeline_image_tag"]
    assert resolved["edge_pipeline_aggregator_image"].endswith(":" + tag)
    assert resolved["hq_pipeline_frontend_image"].endswith(":" + tag)


@pytest.mark.parametrize("name", ["pipeline_kafka_version", "pipeline_strimzi_version", "pipeline_image_tag"])
def test_no_other_tracked_file_spells_the_version(name):
    version = VERSIONS[name]
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    # Lock files and the k3s-ansible stand-in's own manifest carry versions of other things.
    skip = re.compile(r"(^|/)(package-lock\.json|go\.sum|go\.mod|requirements\.txt|MANIFEST\.json|requirements\.yml)$")
    pattern = re.compile(r"(?<![\w.])" + re.escape(version) + r"(?![\w.])")
    # Maven modules name their parent's version: that is the pom's own reference, not a copy.
    spelled = [f for f in files if not f.endswith("pom.xml") and not skip.search(f) and (ROOT / f).is_file()
               and not f.endswith((".png", ".jar"))
               and pattern.search((ROOT / f).read_text(encoding="utf-8", errors="replace"))]
    assert not spelled, f"{name} ({version}) is spelled out in {spelled}: derive it from pom.xml"

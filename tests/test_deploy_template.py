"""deploy/template.yaml: cfn-lint clean, and the collector's role grants only the bucket and the secret."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import get_args

import pytest
from cfnlint.api import ManualArgs, lint, lint_file
from cfnlint.decode import decode

from copilot_usage.collector.aws_lambda import SECRET_ARN_ENV
from copilot_usage.config import Settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "template.yaml"
BASIC_EXECUTION = {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
BUCKET_ARN = {"Fn::GetAtt": ["HistoryBucket", "Arn"]}
BUCKET_KEYS = {"Fn::Sub": "${HistoryBucket.Arn}/*"}
SECRET = {"Ref": "GitHubAppPrivateKeySecretArn"}


@pytest.fixture(scope="module")
def template() -> dict:
    parsed, errors = decode(str(TEMPLATE))
    assert not errors, errors
    return parsed


def resources_of(template, kind: str) -> dict:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def grants(statements) -> set[tuple[str, str, str]]:
    """(effect, action, resource) for every statement, resources shown as text."""
    return {(s["Effect"], action, repr(resource))
            for s in statements for action in as_list(s["Action"]) for resource in as_list(s["Resource"])}


def test_cfn_lint_passes_and_would_catch_a_mistake():
    assert [str(m) for m in lint_file(TEMPLATE, config=ManualArgs(regions=["us-east-1", "eu-west-1"]))] == []
    broken = TEMPLATE.read_text().replace("Runtime: python3.11", "Runtime: python2.7")
    assert any("python2.7" in str(m) for m in lint(broken))  # the linter really reads the template


def test_the_collector_role_grants_only_the_bucket_and_the_secret(template):
    role = template["Resources"]["CollectorRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [BASIC_EXECUTION]  # CloudWatch Logs only
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    assert not [s for s in statements if {"NotAction", "NotResource", "Condition"} & set(s)]
    assert grants(statements) == {
        ("Allow", "s3:ListBucket", repr(BUCKET_ARN)),
        ("Allow", "s3:GetObject", repr(BUCKET_KEYS)),
        ("Allow", "s3:PutObject", repr(BUCKET_KEYS)),
        ("Allow", "secretsmanager:GetSecretValue", repr(SECRET)),
    }
    # Nothing else attaches to the role, and the function runs with it.
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for name, policy in resources_of(template, kind).items():
            assert {"Ref": "CollectorRole"} not in as_list(policy["Properties"].get("Roles", [])), name
    function = template["Resources"]["CollectorFunction"]["Properties"]
    assert function["Role"] == {"Fn::GetAtt": ["CollectorRole", "Arn"]}


def test_the_app_policy_only_reads(template):
    statements = template["Resources"]["AppReadOnlyPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert grants(statements) == {("Allow", "s3:ListBucket", repr(BUCKET_ARN)),
                                  ("Allow", "s3:GetObject", repr(BUCKET_KEYS))}


def test_the_bucket_is_versioned_private_and_encrypted(template):
    bucket = template["Resources"]["HistoryBucket"]
    props = bucket["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    [rule] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert bucket["DeletionPolicy"] == "Retain"  # deleting the stack keeps the history
    [deny] = template["Resources"]["HistoryBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_collector_runs_daily_with_the_org_and_the_secret(template):
    [(rule_name, rule)] = resources_of(template, "AWS::Events::Rule").items()
    expression = rule["Properties"]["ScheduleExpression"]
    if expression == {"Ref": "ScheduleExpression"}:
        expression = template["Parameters"]["ScheduleExpression"]["Default"]
    assert re.fullmatch(r"cron\(\d{1,2} \d{1,2} \* \* \? \*\)|rate\(1 day\)", expression)
    assert rule["Properties"]["State"] == "ENABLED"
    assert rule["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": ["CollectorFunction", "Arn"]}
    [permission] = resources_of(template, "AWS::Lambda::Permission").values()
    assert permission["Properties"]["Principal"] == "events.amazonaws.com"
    assert permission["Properties"]["SourceArn"] == {"Fn::GetAtt": [rule_name, "Arn"]}

    function = template["Resources"]["CollectorFunction"]["Properties"]
    assert function["Handler"] == "copilot_usage.collector.aws_lambda.handler"
    assert importlib.util.find_spec("copilot_usage.collector.aws_lambda") is not None
    variables = function["Environment"]["Variables"]
    assert variables["GITHUB_ORG"] == {"Ref": "GitHubOrg"}
    assert variables[SECRET_ARN_ENV] == SECRET  # the name the handler reads
    assert variables["STORE_URL"] == {"Fn::Sub": "s3://${HistoryBucket}"}
    assert "GITHUB_APP_PRIVATE_KEY" not in variables and "GITHUB_TOKEN" not in variables
    # Every variable is one the collector reads; the cadence offers exactly the setting's values.
    assert {name.lower() for name in variables} - {SECRET_ARN_ENV.lower()} <= set(Settings.model_fields)
    assert variables["TEAMS_HISTORY_JSON"] == {"Ref": "TeamsHistoryJson"}
    cadence = template["Parameters"]["TeamsHistoryJson"]
    assert cadence["AllowedValues"] == list(get_args(Settings.model_fields["teams_history_json"].annotation))
    assert cadence["Default"] == Settings.model_fields["teams_history_json"].default


def test_the_function_matches_what_make_lambda_zip_builds(template):
    spec = importlib.util.spec_from_file_location("build_lambda_zip", ROOT / "deploy" / "build_lambda_zip.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    function = template["Resources"]["CollectorFunction"]["Properties"]
    assert (TEMPLATE.parent / function["Code"]).resolve() == build.DEFAULT_OUT
    assert function["Runtime"] == "python3.11" and "3.11" in build.PIP_PLATFORM
    assert function["Architectures"] == ["x86_64"] and "manylinux2014_x86_64" in build.PIP_PLATFORM

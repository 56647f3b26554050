"""The collector's Lambda zip (deploy/build_lambda_zip.py) and its handler.

The handler runs from the unpacked zip in a fresh interpreter that sees only the
standard library and the zip (as on Lambda), gets the GitHub App key from a
Secrets Manager secret (moto), signs in as the App, and collects from the
loopback fake GitHub into a moto S3 bucket. The collector path also runs from
the source tree with streamlit, pandas, altair and pyarrow made unimportable.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
import zipfile
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fake_github import FakeGitHub

from copilot_usage.collector.aws_lambda import SECRET_ARN_ENV, private_key_from_secret
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import SettingsError

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "424242"
INSTALLATION_TOKEN = "ghs_installation-token-for-the-collector"
APP_LIBRARIES = ("streamlit", "altair", "pandas", "pyarrow")

# Makes the app's libraries unimportable, then runs the handler once and prints its summary.
RUN_HANDLER = """
import importlib.abc, json, sys
BLOCKED = {blocked!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is blocked: the collector must not import it")
sys.meta_path.insert(0, Block())
try:
    import pandas
    sys.exit("the import blocker does not work")
except ImportError:
    pass
from copilot_usage.collector import aws_lambda
summary = aws_lambda.handler({event!r}, None)
loaded = sorted({{m.split(".")[0] for m in sys.modules}})
files = sorted({{getattr(m, "__file__", None) or "" for m in list(sys.modules.values())}})
print("RESULT " + json.dumps({{"summary": summary, "loaded": loaded, "files": files}}))
"""


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def lambda_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lambda") / "copilot-usage-lambda.zip"
    done = subprocess.run([sys.executable, str(ROOT / "deploy" / "build_lambda_zip.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    print(done.stdout.strip())  # the size line, shown with `pytest -s`
    assert re.search(r"\d+\.\d MB zipped, \d+\.\d MB unzipped", done.stdout)
    return out


@pytest.fixture(scope="module")
def unpacked(lambda_zip, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("lambda-task-root")
    with zipfile.ZipFile(lambda_zip) as archive:
        archive.extractall(target)
    return target


@pytest.fixture(scope="module")
def github():
    with FakeGitHub(build_demo_org(seed=3, teams=6, users=60, days=5)) as fake:
        yield fake


@pytest.fixture(scope="module")
def app_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class AppFront:
    """GitHub's App endpoints in front of the fake: checks the App JWT, hands out an
    installation token, and forwards every other API call to the fake GitHub."""

    def __init__(self, fake: FakeGitHub, public_key):
        self.fake, self.public_key = fake, public_key
        self.jwt_issuers: list[str] = []
        self.forwarded_auth: set[str] = set()
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                front.serve(self)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, req: BaseHTTPRequestHandler) -> None:
        auth = req.headers.get("authorization", "").removeprefix("Bearer ")
        org = self.fake.org.org
        if req.path in (f"/orgs/{org}/installation", "/app/installations/7/access_tokens"):
            try:
                claims = jwt.decode(auth, self.public_key, algorithms=["RS256"])
            except jwt.InvalidTokenError:
                return self.answer(req, 401, {"message": "A JSON web token could not be decoded"})
            self.jwt_issuers.append(claims["iss"])
            body = {"id": 7} if req.command == "GET" else {"token": INSTALLATION_TOKEN,
                                                           "expires_at": "2099-01-01T00:00:00Z"}
            return self.answer(req, 200 if req.command == "GET" else 201, body)
        self.forwarded_auth.add(auth)
        upstream = httpx.request(req.command, self.fake.url + req.path,
                                 headers={"authorization": f"Bearer {auth}", "accept": "application/json"})
        self.answer(req, upstream.status_code, None, upstream.content,
                    {k: v for k, v in upstream.headers.items() if k.lower() in ("link", "content-type")})

    @staticmethod
    def answer(req, status, body, content=None, headers=None):
        content = content if content is not None else json.dumps(body).encode()
        req.send_response(status)
        for name, value in (headers or {"content-type": "application/json"}).items():
            req.send_header(name, value)
        req.send_header("content-length", str(len(content)))
        req.end_headers()
        req.wfile.write(content)


@pytest.fixture(scope="module")
def app_front(github, app_key):
    front = AppFront(github, app_key.public_key())
    yield front
    front.server.shutdown()
    front.server.server_close()


@pytest.fixture
def secret_arn(s3_endpoint, app_key) -> str:
    pem = app_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    client = boto3.client("secretsmanager", endpoint_url=s3_endpoint, region_name="us-east-1")
    return client.create_secret(Name=f"copilot-usage/app-key-{os.urandom(4).hex()}", SecretString=pem)["ARN"]


def aws_env(s3_endpoint: str) -> dict:
    return {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}


def run_handler(python_args: list[str], env: dict, cwd: Path, event: dict, path: Path | None = None) -> dict:
    code = RUN_HANDLER.format(blocked=APP_LIBRARIES, event=event)
    if path is not None:
        code = f"import sys; sys.path.insert(0, {str(path)!r})\n" + code
    done = subprocess.run([sys.executable, *python_args, "-c", code], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(l for l in done.stdout.splitlines() if l.startswith("RESULT "))
    assert '{"collected": ' in done.stdout  # the summary line for CloudWatch Logs
    return json.loads(line.removeprefix("RESULT "))


def window(github) -> dict:
    """The fake's days only (a first run would otherwise walk back a year of empty days)."""
    return {"since": (github.org.first_day - timedelta(days=1)).isoformat()}


# ---------------------------------------------------------------- tests

def test_the_zip_holds_the_collector_and_nothing_of_the_app(lambda_zip):
    with zipfile.ZipFile(lambda_zip) as archive:
        infos = archive.infolist()
    names = {info.filename for info in infos}
    tops = {name.split("/")[0] for name in names}
    assert {"copilot_usage/collector/aws_lambda.py", "copilot_usage/collector/run.py",
            "copilot_usage/contract/keys.py", "copilot_usage/store/team_files.py"} <= names
    for gone in (*APP_LIBRARIES, "numpy", "tests", "app_pages", "streamlit_app.py"):
        assert gone not in tops
    assert not [n for n in names if n.startswith(("copilot_usage/web/", "copilot_usage/read/",
                                                  "copilot_usage/analysis/", "copilot_usage/demo/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    for library in ("pydantic", "pydantic_settings", "httpx", "jwt", "cryptography", "tqdm", "boto3", "botocore"):
        assert library in tops, library
    # Compiled for Lambda's python3.11 on x86_64 Linux, whatever machine built it.
    assert any(re.fullmatch(r"pydantic_core/_pydantic_core\.cpython-311-x86_64-linux-gnu\.so", n) for n in names)
    assert any(re.fullmatch(r"cryptography/hazmat/bindings/_rust\.abi3\.so", n) for n in names)
    assert all(stat.S_IMODE(info.external_attr >> 16) == 0o644 for info in infos)  # Lambda reads them
    assert lambda_zip.stat().st_size < 50 * 1024 * 1024  # Lambda's limit for a direct upload


def test_the_handler_runs_from_the_zip_with_the_app_key_from_secrets_manager(
        unpacked, github, app_front, secret_arn, s3_endpoint, s3_client, bucket, tmp_path):
    env = {"PATH": os.environ["PATH"], **aws_env(s3_endpoint), "GITHUB_ORG": github.org.org,
           "GITHUB_API_URL": app_front.url, "GITHUB_APP_ID": APP_ID, SECRET_ARN_ENV: secret_arn,
           "STORE_URL": f"s3://{bucket}/copilot"}
    # -I -S: no site-packages, no PYTHONPATH; only the standard library and the zip, as on Lambda.
    result = run_handler(["-I", "-S"], env, tmp_path, window(github), path=unpacked)

    summary = result["summary"]
    assert summary["days_fetched"] == 5 and summary["teams_qualifying"] > 0
    assert summary["last_day"] == github.org.end_day.isoformat()
    # Everything imported came from the zip or the standard library.
    stdlib = os.path.dirname(os.__file__)
    assert all(f.startswith((str(unpacked), stdlib)) for f in result["files"] if f), \
        [f for f in result["files"] if f and not f.startswith((str(unpacked), stdlib))][:5]
    # Signed in as the App with the key from the secret; the API saw only the installation token.
    assert app_front.jwt_issuers and set(app_front.jwt_issuers) == {APP_ID}
    assert app_front.forwarded_auth == {INSTALLATION_TOKEN}
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=bucket, Prefix="copilot/")["Contents"]]
    assert "copilot/teams_history.json" in keys
    assert any(k.startswith("copilot/reports/user-teams-1-day/day=") for k in keys)


def test_the_collector_path_never_imports_the_app_libraries(github, s3_endpoint, s3_client, bucket, tmp_path):
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **aws_env(s3_endpoint),
           "GITHUB_ORG": github.org.org, "GITHUB_API_URL": github.url, "GITHUB_TOKEN": "collector-token",
           "STORE_URL": f"s3://{bucket}"}
    result = run_handler([], env, tmp_path, window(github))
    assert result["summary"]["days_fetched"] == 5
    assert not set(APP_LIBRARIES) & set(result["loaded"])
    history = json.loads(s3_client.get_object(Bucket=bucket, Key="teams_history.json")["Body"].read())
    assert history and all(team["data"] for team in history)


def test_an_unreadable_secret_is_named_in_one_line(s3_endpoint):
    client = boto3.client("secretsmanager", endpoint_url=s3_endpoint, region_name="us-east-1")
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:no-such-secret"
    with pytest.raises(SettingsError, match=f"{SECRET_ARN_ENV}: cannot read secret {arn}"):
        private_key_from_secret(arn, client=client)


def test_the_handler_requires_an_organisation(monkeypatch, tmp_path):
    from copilot_usage.collector import aws_lambda

    for name in ("GITHUB_ORG", "GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET", SECRET_ARN_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("STORE_URL", f"file://{tmp_path}")
    monkeypatch.chdir(tmp_path)  # no .env from the work tree
    with pytest.raises(SettingsError, match="GITHUB_ORG"):
        aws_lambda.handler({}, None)

"""The project on Postgres and Spark: install what is missing, start the engine on this
machine, build the dbt project with that engine's loader, stop what was started.

    python scripts/engines.py build postgres    # the files in seeds/ehp; --raw-path DIR
    python scripts/engines.py build spark
    python scripts/engines.py start postgres    # leaves the server running, to query it
    python scripts/engines.py stop postgres

Postgres is Debian's server (package `postgresql`), a cluster of its own in
.cache/engines/postgres, on 127.0.0.1 port EHP_PG_PORT (default 55432). Spark is a
local session inside the dbt process (pyspark, Debian's openjdk-17-jre-headless), its
Parquet tables and Derby metastore in .cache/engines/spark. Missing Debian packages are
installed with apt-get when run as root (as CI does); Postgres refuses to run as root,
so its server then runs as the `postgres` user.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "engines"
ENGINES = ("duckdb", "postgres", "spark")
# what each engine needs from Debian: a file that shows it is installed, and its package
DEBIAN = {
    "postgres": ("/usr/lib/postgresql/*/bin/initdb", "postgresql"),
    "spark": ("/usr/lib/jvm/java-17-openjdk-*/bin/java", "openjdk-17-jre-headless"),
}


class EngineError(RuntimeError):
    """An engine could not be installed, started or built; the message says why."""


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure raise EngineError with the end of its output."""
    res = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if res.returncode != 0:
        out = (res.stdout[-2000:] + res.stderr[-2000:]).strip()
        raise EngineError(f"{' '.join(cmd[:4])} ... failed (exit {res.returncode}):\n{out}")
    return res


def installed(pattern: str) -> list[Path]:
    """The files matching an absolute glob ``pattern``, sorted."""
    return sorted(Path("/").glob(pattern.lstrip("/")))


def ensure_debian(engine: str) -> None:
    """Install the engine's Debian package when it is missing (apt-get, as root)."""
    probe, package = DEBIAN[engine]
    if installed(probe):
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        raise EngineError(f"{package} is missing: apt-get install {package} (as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env, timeout=900)
    run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
        env=env,
        timeout=900,
    )
    if not installed(probe):
        raise EngineError(f"apt-get installed {package} but {probe} is still missing")


def newest(pattern: str) -> str:
    found = installed(pattern)
    if not found:
        raise EngineError(f"nothing matches {pattern}")
    return str(found[-1])


def readable_by_postgres(path: Path) -> bool:
    """Can the server (as root: the `postgres` user) read ``path``? COPY reads on the server."""
    if os.geteuid() != 0:
        return os.access(path, os.R_OK)
    probe = ["runuser", "-u", "postgres", "--", "test", "-r", str(path)]
    return subprocess.run(probe, capture_output=True).returncode == 0


def shared_folder(name: str) -> Path:
    """A new folder the `postgres` user can enter: .cache/engines/<name> in the project,
    or a folder in /tmp when the checkout is private (e.g. under /root)."""
    folder = CACHE / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if shutil.which("runuser") and not readable_by_postgres(folder):
        folder.rmdir()
        folder = Path(tempfile.mkdtemp(prefix=f"ehp-{name}-"))
    folder.chmod(0o755)
    return folder


@dataclass
class Postgres:
    """A Postgres cluster of the project's own: its folder, its port on 127.0.0.1."""

    folder: Path = CACHE / "postgres"
    port: int = int(os.environ.get("EHP_PG_PORT", "55432"))
    database: str = os.environ.get("EHP_PG_DATABASE", "proactivehealth")

    def command(self, name: str, *args: str) -> list[str]:
        """A server program; as root, run as the `postgres` user (Postgres refuses root)."""
        cmd = [newest(f"/usr/lib/postgresql/*/bin/{name}"), *args]
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def prepare_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.folder.chmod(0o700)
            probe = ["runuser", "-u", "postgres", "--", "test", "-w", str(self.folder)]
            if subprocess.run(probe).returncode != 0:
                raise EngineError(f"user postgres cannot write {self.folder}: open its parents")

    def start(self) -> None:
        """Create the cluster once, start it, create the database if missing."""
        ensure_debian("postgres")
        self.prepare_folder()
        if not (self.data / "PG_VERSION").exists():
            run(self.command("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust"))
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.folder / "server.log")
        run(self.command("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start"))
        if self.query(f"select 1 from pg_database where datname = '{self.database}'") != "1":
            run(self.command("createdb", *self.client_args(), self.database))

    def client_args(self) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]

    def query(self, sql: str, database: str = "postgres") -> str:
        return run(
            self.command("psql", *self.client_args(), "-d", database, "-tAc", sql)
        ).stdout.strip()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            run(self.command("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"))

    def env(self) -> dict[str, str]:
        """What profiles.yml's `postgres` target reads."""
        return {
            "EHP_PG_HOST": "127.0.0.1",
            "EHP_PG_PORT": str(self.port),
            "EHP_PG_USER": "postgres",
            "EHP_PG_DATABASE": self.database,
        }


def spark_env(folder: Path = CACHE / "spark") -> dict[str, str]:
    """What profiles.yml's `spark` target reads, and Debian's Java 17 for pyspark."""
    ensure_debian("spark")
    folder.mkdir(parents=True, exist_ok=True)
    java = Path(newest(DEBIAN["spark"][0]))
    return {"EHP_SPARK_DIR": str(folder), "JAVA_HOME": str(java.parents[1])}


@contextlib.contextmanager
def engine_running(engine: str, folder: Path = CACHE) -> Iterator[dict[str, str]]:
    """Start what the engine needs, yield the environment dbt needs to reach it, stop it."""
    if engine == "postgres":
        server = Postgres(folder / "postgres")
        server.start()
        try:
            yield server.env()
        finally:
            server.stop()
    elif engine == "spark":
        # the session lives inside dbt's own process and ends with it
        yield spark_env(folder / "spark")
    else:
        yield {}


def dbt_build_command(engine: str, raw_path: Path, *args: str) -> list[str]:
    """`dbt build` on ``engine`` with that engine's loader, its artifacts in target/<engine>."""
    dbt = str(Path(sys.executable).with_name("dbt"))
    target = "dev" if engine == "duckdb" else engine
    build_vars = f"{{ehp_loader: {engine}, ehp_raw_path: '{raw_path.resolve()}'}}"
    return [dbt, "build", "--target", target, "--target-path", f"target/{engine}",
            "--vars", build_vars, *args]  # fmt: skip


def dbt_build(engine: str, project: Path, raw_path: Path, env: dict[str, str], *args: str) -> None:
    """Run the build in ``project``; raise EngineError when it fails."""
    sample = next(raw_path.glob("ehp_*.*"), raw_path)
    if engine == "postgres" and not readable_by_postgres(sample):
        raise EngineError(f"the Postgres server cannot read {sample}: COPY reads on the server")
    full_env = {**os.environ, "DBT_PROFILES_DIR": str(project), "PWD": str(project), **env}
    res = subprocess.run(dbt_build_command(engine, raw_path, *args), cwd=project, env=full_env)
    if res.returncode != 0:
        raise EngineError(f"dbt build on {engine} failed (exit {res.returncode})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("build", "start", "stop"))
    parser.add_argument("engine", choices=ENGINES[1:])
    parser.add_argument("--raw-path", type=Path, default=ROOT / "seeds" / "ehp")
    args = parser.parse_args(argv)
    if not (args.raw_path / "manifest.json").exists():
        parser.error(f"--raw-path {args.raw_path} holds no generated data (run ehp-generate)")
    try:
        if args.action == "build":
            started = time.monotonic()
            with engine_running(args.engine) as env:
                dbt_build(args.engine, ROOT, args.raw_path, env)
            seconds = time.monotonic() - started
            print(f"{args.engine}: loaded {args.raw_path} and built everything in {seconds:.0f} s")
        elif args.engine == "postgres":
            server = Postgres()
            if args.action == "start":
                server.start()
                print(f"postgres: running on 127.0.0.1:{server.port}, database {server.database}")
            else:
                server.stop()
        else:
            print("spark: nothing to start or stop: the session lives inside dbt")
    except EngineError as err:
        print(f"engines.py: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A throwaway PostgreSQL server for the dispatcher's tests and benchmark:
initdb into a temporary directory owned by the `postgres` user (the server
refuses to run as root), started with `runuser` on a free loopback port,
password authentication (scram-sha-256) for a `dispatcher` role, and
stopped (its directory removed) on stop() or at the end of a with block.
sql() runs statements through psql as that role."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

USER = "dispatcher"
PASSWORD = "pg-Secret-7f3c91e2-not-in-logs"
DBNAME = "flows"
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas",
                      "dispatcher.sql")


def pg_bin(name):
    """A server binary: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(d, name), os.X_OK):
            return os.path.join(d, name)
    raise RuntimeError(f"{name} is not installed (scripts/deps.sh installs postgresql-15)")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Postgres:
    def __init__(self, run_as="postgres"):
        self.port = free_port()
        self.run_as = run_as
        self.dir = tempfile.mkdtemp(prefix="cc-pg-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write("superpw\n")
        shutil.chown(self.dir, run_as)
        shutil.chown(pwfile, run_as)
        self._as([pg_bin("initdb"), "-D", self.data, "-U", "postgres", "-A", "scram-sha-256",
                  "--pwfile", pwfile, "-E", "UTF8", "--no-sync"])
        self._as([pg_bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=50", "start"])
        self.started = True
        self.sql(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'", user="postgres",
                 password="superpw", db="postgres")
        self.sql(f"CREATE DATABASE {DBNAME} OWNER {USER}", user="postgres", password="superpw",
                 db="postgres")

    def _as(self, argv):
        subprocess.run(["runuser", "-u", self.run_as, "--"] + argv, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def env(self, user=USER, password=PASSWORD):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER=user, PGPASSWORD=password,
                   PGSSLMODE="disable")
        return env

    def sql(self, text, user=USER, password=PASSWORD, db=DBNAME, check=True):
        """Runs text through psql; returns the rows as lists of strings
        (unaligned, tab separated)."""
        p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-d", db], input=text, capture_output=True, text=True,
                           env=self.env(user, password))
        if check and p.returncode != 0:
            raise RuntimeError(f"psql: {p.stderr}")
        return [line.split("\t") for line in p.stdout.splitlines() if line != ""]

    def apply_schema(self):
        with open(SCHEMA) as f:
            self.sql(f.read())

    def secret(self):
        """The secret as RDS writes it (port a number, no sslmode)."""
        return {"username": USER, "password": PASSWORD, "engine": "postgres",
                "host": "127.0.0.1", "port": self.port, "dbname": DBNAME,
                "dbInstanceIdentifier": "flows-db"}

    def stop(self):
        if getattr(self, "started", False):
            try:
                self._as([pg_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"])
            except subprocess.CalledProcessError:
                pass
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

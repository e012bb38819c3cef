# A PostgreSQL server for the data-layer tests: the Debian cluster, started if it is not running,
# with a database and role of the tests' own. Exports TEST_POSTGRES_URL.
start_test_postgres() {
  local version cluster
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$version" ]; then
    echo "No PostgreSQL cluster found under /etc/postgresql" >&2
    return 1
  fi
  cluster="$version main"
  if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" && $4=="online"' | grep -q .; then
    as_postgres pg_ctlcluster $cluster start
  fi
  local port
  port="$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')"
  as_postgres psql -p "$port" -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mca_test') THEN
    CREATE ROLE mca_test LOGIN PASSWORD 'mca_test' CREATEDB;
  END IF;
END $$;
SQL
  as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = 'mca_test'" | grep -q 1 ||
    as_postgres createdb -p "$port" -O mca_test mca_test
  export TEST_POSTGRES_URL="postgresql://mca_test:mca_test@127.0.0.1:${port}/mca_test"
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    su postgres -c "$(printf '%q ' "$@")"
  else
    sudo -u postgres "$@"
  fi
}

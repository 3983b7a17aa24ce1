//! A throwaway PostgreSQL cluster for the tests that need a real server: one per test binary,
//! started on first use (initdb into the build folder, a Unix socket in a short folder under
//! the temporary directory — socket paths are limited to about 100 bytes — and no TCP), and
//! stopped and removed when the binary exits. Each test gets a fresh database owned by the
//! unprivileged role `app`, the role the archive is used with; `admin` is the superuser.
//!
//! PostgreSQL refuses to run as root: then the server runs as the `postgres` user (which
//! Debian's package creates), else as `nobody`, through `runuser`. `scripts/test.sh`
//! installs the package when it is missing; `INVOICESMITH_PG_BIN` names another bin folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    socket: PathBuf,
    /// The user the server runs as, when the tests run as root.
    user: Option<String>,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

/// The cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(Cluster::start)
}

/// A fresh, empty database `name` owned by `app`: its URL for `app`.
pub fn database(name: &str) -> String {
    let c = cluster();
    let mut admin = c.connect("admin", "postgres");
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name} OWNER app")).unwrap();
    c.url("app", name)
}

/// The PostgreSQL bin folder: `INVOICESMITH_PG_BIN`, else the newest Debian cluster
/// version (15 or newer), else whatever `initdb` is on the PATH.
fn bin() -> PathBuf {
    if let Some(dir) = std::env::var_os("INVOICESMITH_PG_BIN") {
        return PathBuf::from(dir);
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|v| v.parse::<u32>().ok()).map(|v| (v, e.path().join("bin"))))
        .filter(|(v, bin)| *v >= 15 && bin.join("initdb").exists())
        .max();
    match newest {
        Some((_, bin)) => bin,
        None => {
            let found = Command::new("sh").args(["-c", "command -v initdb"]).output().unwrap();
            assert!(found.status.success(), "no PostgreSQL 15+ found: install Debian's postgresql (scripts/test.sh does) or set INVOICESMITH_PG_BIN");
            PathBuf::from(String::from_utf8(found.stdout).unwrap().trim()).parent().unwrap().to_path_buf()
        }
    }
}

impl Cluster {
    fn start() -> Cluster {
        let root = unsafe { libc::geteuid() } == 0;
        let user = root.then(|| if Command::new("id").arg("postgres").output().is_ok_and(|o| o.status.success()) { "postgres" } else { "nobody" }.to_string());
        let name = format!("{}-{}", std::env::current_exe().unwrap().file_stem().unwrap().to_string_lossy(), std::process::id());
        let socket = std::env::temp_dir().join(format!("is-pg-{}", std::process::id()));
        let mut cluster = Cluster { bin: bin(), data: Path::new(env!("CARGO_TARGET_TMPDIR")).join("pg").join(&name), socket, user };
        cluster.make_dir(&cluster.socket);
        cluster.make_dir(&cluster.data);
        // The server's user must reach its data folder; a build folder under a private home
        // does not let it, so then the data goes beside the socket.
        if !cluster.as_server(&["test", "-w", cluster.data.to_str().unwrap()]) {
            let _ = std::fs::remove_dir_all(&cluster.data);
            cluster.data = std::env::temp_dir().join(format!("is-pg-data-{}", std::process::id()));
            cluster.make_dir(&cluster.data);
        }
        let initdb = cluster.bin.join("initdb");
        let data = cluster.data.to_str().unwrap().to_string();
        let ok = cluster.as_server(&[initdb.to_str().unwrap(), "-D", &data, "-U", "admin", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        assert!(ok, "initdb failed");
        let options = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40",
            cluster.socket.display()
        );
        let log = format!("{data}/server.log");
        let pg_ctl = cluster.bin.join("pg_ctl");
        let ok = cluster.as_server(&[pg_ctl.to_str().unwrap(), "-D", &data, "-o", &options, "-l", &log, "-w", "start"]);
        assert!(ok, "the test cluster did not start: {}", std::fs::read_to_string(&log).unwrap_or_default());
        // SAFETY: registers a plain function, called once at exit.
        unsafe { libc::atexit(stop_at_exit) };
        cluster.connect("admin", "postgres").batch_execute("CREATE ROLE app LOGIN").unwrap();
        cluster
    }

    /// A new, empty folder owned by the server's user.
    fn make_dir(&self, dir: &Path) {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).unwrap();
        if let Some(user) = &self.user {
            assert!(Command::new("chown").args([user.as_str(), dir.to_str().unwrap()]).status().unwrap().success());
        }
    }

    /// Runs `args` as the server's user; whether it succeeded.
    fn as_server(&self, args: &[&str]) -> bool {
        let mut c = match &self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).args(args);
                c
            }
            None => {
                let mut c = Command::new(args[0]);
                c.args(&args[1..]);
                c
            }
        };
        c.stdout(std::process::Stdio::null()).status().is_ok_and(|s| s.success())
    }

    /// The URL of database `db` for role `user`, through the Unix socket.
    pub fn url(&self, user: &str, db: &str) -> String {
        format!("postgresql://{user}@/{db}?host={}", self.socket.display())
    }

    pub fn connect(&self, user: &str, db: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(user, db), postgres::NoTls).unwrap()
    }

    fn stop(&self) {
        let data = self.data.to_str().unwrap();
        self.as_server(&[self.bin.join("pg_ctl").to_str().unwrap(), "-D", data, "-m", "immediate", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.data);
        let _ = std::fs::remove_dir_all(&self.socket);
    }
}

extern "C" fn stop_at_exit() {
    if let Some(c) = CLUSTER.get() {
        c.stop();
    }
}

/// The superuser's connection to database `db` (to tamper as only an administrator can).
pub fn admin(db: &str) -> postgres::Client {
    cluster().connect("admin", db)
}

/// The application role's connection to database `db`.
pub fn app(db: &str) -> postgres::Client {
    cluster().connect("app", db)
}

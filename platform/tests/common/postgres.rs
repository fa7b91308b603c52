//! The PostgreSQL of the platform's tests: one cluster per test process (`zca-pg-cluster`).

use std::sync::OnceLock;

pub use zca_pg_cluster::Cluster;

pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| Cluster::start(false))
}

/// Whether this run's platform tests use PostgreSQL (`ZCA_TEST_DATABASE=postgres`) instead of
/// SQLite.
pub fn selected() -> bool {
    match std::env::var("ZCA_TEST_DATABASE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("ZCA_TEST_DATABASE={other}: sqlite or postgres"),
    }
}

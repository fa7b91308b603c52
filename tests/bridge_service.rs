//! `zca bridge install`, `uninstall` and `status` and the systemd user unit they use: the zca
//! package's for the default options, the user's own otherwise. Run with no session bus (the
//! environment is cleared), so that no test enables a service of the machine's user.

mod common;

use common::*;
use std::path::Path;

const PACKAGED: &str = "/usr/lib/systemd/user/zca-bridge.service";

fn status(hsm: &Hsm) -> serde_json::Value {
    let (code, out, err) = run(hsm.zca().args(["bridge", "status", "--json"]));
    assert_eq!(code, 0, "{err}");
    json(&out)
}

#[test]
fn install_uses_the_package_unit_for_defaults_and_an_own_unit_for_other_options() {
    let hsm = Hsm::new();
    let own = hsm.home().join(".config/systemd/user/zca-bridge.service");
    let packaged = Path::new(PACKAGED).exists();

    let s = status(&hsm);
    assert_eq!(s["service_installed"], false);
    if packaged {
        assert_eq!(s["service"]["source"], "package", "{s}");
        assert_eq!(s["service"]["enabled"], false, "{s}");
    } else {
        assert!(s["service"].is_null(), "{s}");
    }

    // Options of its own: the user's unit, with them; systemd (unreachable here) is reported.
    let (code, out, err) =
        run(hsm.zca().args(["bridge", "install", "--ws-port", "21999", "--idle", "60", "--json"]));
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["source"], "user", "{r}");
    assert_eq!(r["systemd"], false, "no session bus: {r}");
    assert!(r["systemd_error"].as_str().is_some_and(|e| !e.is_empty()), "{r}");
    let text = std::fs::read_to_string(&own).unwrap();
    assert!(text.contains(" bridge --ws-port 21999 --mtoken-port 51235 --idle 60 "), "{text}");
    assert_eq!(status(&hsm)["service"]["source"], "user");

    // The defaults: the package's unit when there is one (the own unit goes, or it would hide
    // the package's updates), else an own unit with the defaults.
    let (code, out, err) = run(hsm.zca().args(["bridge", "install", "--json"]));
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    if packaged {
        assert_eq!((r["source"].as_str(), r["unit"].as_str()), (Some("package"), Some(PACKAGED)));
        assert!(!own.exists());
    } else {
        assert_eq!(r["source"], "user", "{r}");
        assert!(std::fs::read_to_string(&own).unwrap().contains("--ws-port 21051"));
    }

    let (code, out, err) = run(hsm.zca().args(["bridge", "uninstall", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["installed"], false);
    assert!(!own.exists());

    // Human form, in Chinese: which unit, from where.
    let (code, out, _) = run(hsm.zca().args(["--lang", "zh", "bridge", "status"]));
    assert_eq!(code, 0);
    assert!(out.contains("systemd 用户服务"), "{out}");
    if packaged {
        assert!(out.contains("zca 软件包提供的单元"), "{out}");
    }
}

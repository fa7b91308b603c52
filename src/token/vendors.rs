//! Well-known PKCS#11 module file names and folders: the last resort of discovery, for drivers
//! that register nowhere (most Chinese USB-key vendors install into `/opt` and tell no one).

/// One driver family: who makes it, the file names of its PKCS#11 and SKF libraries, and the
/// folders its installers use besides the system library folders.
pub struct Vendor {
    pub vendor: &'static str,
    pub product: &'static str,
    pub file_names: &'static [&'static str],
    /// Its SKF (GM/T 0016) library, which Chinese vendors ship first.
    pub skf_names: &'static [&'static str],
    pub folders: &'static [&'static str],
    /// Whether the library reaches its readers through pcscd (PC/SC); the rest talk USB HID.
    pub pcsc: bool,
    /// Whether the library sees tokens added or removed only when initialized again.
    pub tokens_at_initialize: bool,
}

/// System library folders of the architectures Debian, UOS and Kylin ship, with the
/// subfolders packages put PKCS#11 modules in.
pub const LIB_FOLDERS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib/loongarch64-linux-gnu",
    "/usr/lib/mips64el-linux-gnuabi64",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
];
pub const LIB_SUBFOLDERS: &[&str] = &["", "pkcs11", "softhsm"];

pub const VENDORS: &[Vendor] = &[
    Vendor {
        vendor: "OpenSC",
        product: "OpenSC smart card framework",
        file_names: &["opensc-pkcs11.so"],
        skf_names: &[],
        folders: &[],
        pcsc: true,
        tokens_at_initialize: false,
    },
    Vendor {
        vendor: "SoftHSM",
        product: "SoftHSM v2",
        file_names: &["libsofthsm2.so"],
        skf_names: &[],
        folders: &[],
        pcsc: false,
        tokens_at_initialize: true,
    },
    Vendor {
        vendor: "龙脉 Longmai",
        product: "mToken GM3000",
        file_names: &["libgm3000_pkcs11.so"],
        skf_names: &["libgm3000.1.0.so", "libgm3000.so", "libgm3000_scard.1.0.so"],
        folders: &["/opt/lm-gm3000/lib", "/opt/apps/com.longmai.gm3000user/files/lib"],
        pcsc: false,
        tokens_at_initialize: false,
    },
    // The other libraries Longmai's mToken page script names (SOF_LoadLibrary).
    Vendor {
        vendor: "龙脉 Longmai",
        product: "mToken K7 / K5 / TF",
        file_names: &[],
        skf_names: &["libk7.1.0.so", "libk5.1.0.so", "libtf.so"],
        folders: &[],
        pcsc: false,
        tokens_at_initialize: false,
    },
    Vendor {
        vendor: "飞天诚信 Feitian",
        product: "ePass2003",
        file_names: &["libcastle.so.1.0.0", "libcastle.so", "libcastle_v2.so"],
        skf_names: &[],
        folders: &["/opt/ePass2003/lib", "/opt/apps/cn.ftsafe.epass2003/files/lib"],
        pcsc: true,
        tokens_at_initialize: false,
    },
    Vendor {
        vendor: "飞天诚信 Feitian",
        product: "ePass3003 / ePass1000ND",
        file_names: &["libshuttle_p11v220.so", "libshuttle_p11v220.so.1.0.0"],
        skf_names: &[],
        folders: &[],
        pcsc: true,
        tokens_at_initialize: false,
    },
    Vendor {
        vendor: "飞天诚信 Feitian",
        product: "ePass3000GM",
        file_names: &[],
        skf_names: &["libes_3000gm.so", "libes_3000gm.so.1.0.0"],
        folders: &["/opt/apps/cn.ftsafe.epass3000gm/files/lib"],
        pcsc: false,
        tokens_at_initialize: false,
    },
    Vendor {
        vendor: "握奇 Watchdata",
        product: "TimeCOS USB key",
        file_names: &["libwdpkcs.so", "libwdpkcs_SJK1137.so"],
        skf_names: &[],
        folders: &["/opt/watchdata/lib", "/usr/lib/watchdata"],
        pcsc: false,
        tokens_at_initialize: false,
    },
    Vendor {
        vendor: "海泰方圆 HaiTai",
        product: "HaiKey",
        file_names: &["libhtpkcs11.so", "libHTPKCS11.so"],
        skf_names: &[],
        folders: &["/opt/haitai/lib"],
        pcsc: false,
        tokens_at_initialize: false,
    },
    Vendor {
        vendor: "吉大正元 JIT",
        product: "JIT USB key",
        file_names: &["libjitpkcs11.so"],
        skf_names: &[],
        folders: &[],
        pcsc: false,
        tokens_at_initialize: false,
    },
    Vendor {
        vendor: "Thales (SafeNet)",
        product: "eToken / IDPrime",
        file_names: &["libeTPkcs11.so", "libIDPrimePKCS11.so"],
        skf_names: &[],
        folders: &[],
        pcsc: true,
        tokens_at_initialize: false,
    },
];

/// Whether a module file needs pcscd, as far as zca knows.
pub fn needs_pcsc(file_name: &str) -> bool {
    vendor_of_file(file_name).is_some_and(|v| v.pcsc) || file_name.contains("opensc")
}

/// The vendor whose library (PKCS#11 or SKF) has this file name, for labelling libraries found
/// elsewhere.
pub fn vendor_of_file(file_name: &str) -> Option<&'static Vendor> {
    VENDORS.iter().find(|v| v.file_names.contains(&file_name) || v.skf_names.contains(&file_name))
}

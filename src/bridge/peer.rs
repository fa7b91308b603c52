//! Who is on the other end of a loopback connection. Origin is what a browser promises; any
//! local process can send any Origin. The kernel knows which user owns the client's socket:
//! /proc/net/tcp (and tcp6) lists every socket with its owner's uid, and the client's socket is
//! the one whose local address is our peer and whose remote address is us.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The uid that owns the client's socket of the connection `peer` → `local`, when the kernel
/// shows it (it does for every TCP socket of this machine).
pub fn owner_of(peer: SocketAddr, local: SocketAddr) -> Option<u32> {
    let tables: &[&str] = match peer.ip() {
        IpAddr::V4(_) => &["/proc/net/tcp", "/proc/net/tcp6"],
        IpAddr::V6(_) => &["/proc/net/tcp6"],
    };
    tables.iter().find_map(|table| {
        let text = std::fs::read_to_string(table).ok()?;
        text.lines().skip(1).find_map(|line| owner_in_line(line, peer, local))
    })
}

/// The user this process runs as.
pub fn own_uid() -> u32 {
    // SAFETY: geteuid cannot fail and has no arguments.
    unsafe { libc::geteuid() }
}

/// The uid of a line of /proc/net/tcp{,6} when it is the socket `peer` connected to `local`.
fn owner_in_line(line: &str, peer: SocketAddr, local: SocketAddr) -> Option<u32> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (mine, theirs, uid) = (fields.get(1)?, fields.get(2)?, fields.get(7)?);
    if same(parse(mine)?, peer) && same(parse(theirs)?, local) {
        uid.parse().ok()
    } else {
        None
    }
}

/// Equal, counting an IPv4 address and its IPv4-mapped IPv6 form as one.
fn same(a: SocketAddr, b: SocketAddr) -> bool {
    let canonical = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    a.port() == b.port() && canonical(a.ip()) == canonical(b.ip())
}

/// `0100007F:1F40` (IPv4) or 32 hex digits and a port (IPv6): the kernel prints each 32-bit
/// word of the address as a number in the machine's byte order.
fn parse(field: &str) -> Option<SocketAddr> {
    let (address, port) = field.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |i: usize| -> Option<[u8; 4]> {
        let hex = address.get(i * 8..i * 8 + 8)?;
        Some(u32::from_str_radix(hex, 16).ok()?.to_ne_bytes())
    };
    let ip = match address.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(0)?)),
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_tells_the_owner_of_our_own_client_socket() {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(server.local_addr().unwrap()).unwrap();
        let (accepted, peer) = server.accept().unwrap();
        let local = accepted.local_addr().unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        assert_eq!(owner_of(peer, local), Some(own_uid()));
        // Another port is nobody's connection to us.
        let elsewhere = SocketAddr::new(peer.ip(), peer.port().wrapping_add(1));
        assert_eq!(owner_of(elsewhere, local), None);
    }

    #[test]
    fn the_same_over_ipv6_where_there_is_ipv6() {
        let Ok(server) = std::net::TcpListener::bind("[::1]:0") else { return };
        let _client = std::net::TcpStream::connect(server.local_addr().unwrap()).unwrap();
        let (accepted, peer) = server.accept().unwrap();
        assert_eq!(owner_of(peer, accepted.local_addr().unwrap()), Some(own_uid()));
    }

    #[test]
    fn addresses_parse_as_the_kernel_prints_them() {
        let v4 = parse("0100007F:1F40").unwrap();
        assert_eq!(v4, "127.0.0.1:8000".parse().unwrap());
        let v6 = parse("00000000000000000000000001000000:0050").unwrap();
        assert_eq!(v6, "[::1]:80".parse().unwrap());
        assert!(parse("zz:1").is_none() && parse("0100007F").is_none());
    }
}

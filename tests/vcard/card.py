#!/usr/bin/env python3
"""An OpenPGP card (PyPI jcecard) inserted into vsmartcard's virtual reader, for zca's tests.

pcscd loads vpcd, a reader driver that waits on a TCP port for a card. This program is that
card: it connects to the port and answers vpcd's messages (2-byte big-endian length, then the
payload; a 1-byte payload is a control code, anything longer a command APDU) with jcecard's
OpenPGP application. The card state lives in --storage: an empty folder is a card fresh from
the factory (user PIN 123456, admin PIN 12345678, three tries each).

jcecard 0.1.0 differs from real cards in two ways that matter to OpenSC and to these tests;
`Card.transmit` corrects them:
  - it lacks SELECT DATA (INS A5), with which OpenSC walks the cardholder certificates;
  - a failed VERIFY leaves an earlier success standing, so a wrong PIN would not show.
"""
import argparse
import os
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path

from jcecard.main import OpenPGPCard

CERTIFICATE_TAG = b"\x7f\x21"
SW_OK = b"\x90\x00"
SW_NOT_FOUND = b"\x6a\x88"


class Card:
    def __init__(self, storage):
        self.card = OpenPGPCard(storage_path=storage)
        self.certificate_occurrence = 0

    def control(self, code):
        """vpcd's control codes: 0 power off, 1 power on, 2 reset, 4 ATR (answered)."""
        if code in (0, 1, 2):
            self.certificate_occurrence = 0
            {0: self.card.power_off, 1: self.card.power_on, 2: self.card.reset}[code]()
            return None
        if code == 4:
            return self.card.get_atr()
        return None

    def transmit(self, apdu):
        cla, ins, p1, p2 = apdu[0], apdu[1], apdu[2], apdu[3]
        if cla == 0x00 and ins == 0xA5:  # SELECT DATA: which of the 3 certificate DOs
            if p1 > 2:
                return SW_NOT_FOUND
            self.certificate_occurrence = p1
            return SW_OK
        if ins in (0xCA, 0xDA) and apdu[2:4] == CERTIFICATE_TAG and self.certificate_occurrence:
            # jcecard has one certificate DO; the other two read empty and take no writes.
            return SW_OK if ins == 0xCA else SW_NOT_FOUND
        if ins == 0xA4:
            self.certificate_occurrence = 0
        answer = self.card.process_apdu(apdu)
        is_pin_check = ins == 0x20 and len(apdu) > 5 and p2 in (0x81, 0x82, 0x83)
        if is_pin_check and answer[-2:] != SW_OK:
            self.card._security.clear_verification(p2)
        return answer


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        # vpcd sends length and APDU in two writes; without a quick ACK the second waits
        # ~40 ms for delayed ACK, which makes every APDU slow.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        part = sock.recv(n - len(data))
        if not part:
            raise EOFError
        data += part
    return data


def connect(port, deadline):
    while True:
        try:
            sock = socket.create_connection(("127.0.0.1", port))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"card: vpcd does not listen on port {port}")
            time.sleep(0.1)


def exit_with_parent(pid):
    """The test that started the card may die without stopping it: go with it."""
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os.kill(os.getpid(), signal.SIGTERM)
            return
        time.sleep(0.5)


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, default=35963)
    args.add_argument("--storage", type=Path, required=True)
    args.add_argument("--parent", type=int)
    args.add_argument("--connect-timeout", type=float, default=30.0)
    args = args.parse_args()

    import logging
    # jcecard logs PIN values at INFO.
    logging.basicConfig(level=logging.ERROR, force=True)
    logging.getLogger().setLevel(logging.ERROR)

    args.storage.mkdir(parents=True, exist_ok=True)
    card = Card(args.storage)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.parent:
        threading.Thread(target=exit_with_parent, args=(args.parent,), daemon=True).start()
    sock = connect(args.port, time.monotonic() + args.connect_timeout)
    print("card inserted", flush=True)
    try:
        while True:
            (size,) = struct.unpack("!H", read_exactly(sock, 2))
            message = read_exactly(sock, size) if size else b""
            if size == 1:
                answer = card.control(message[0])
            elif size:
                answer = card.transmit(message)
            else:
                answer = None
            if answer is not None:
                sock.sendall(struct.pack("!H", len(answer)) + answer)
    except EOFError:
        pass
    finally:
        card.card.save_state()


if __name__ == "__main__":
    main()

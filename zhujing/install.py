"""What the zero-configuration install works out for itself: a secret key kept under
``var/`` and the office PC's own addresses, so phones on the venue's network reach it."""

import os
import secrets
import socket
from ipaddress import ip_address

import ifaddr


def persistent_secret_key(path):
    """The key stored at ``path``, made once (readable by this user only).

    Several processes start at once (gunicorn's workers, Celery): the first one to create
    the file writes the key, the others read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process created it and may still be writing
            key = path.read_text().strip()
            if key:
                return key
            os.sched_yield()
        raise RuntimeError(f"{path} is empty: delete it to make a new secret key")
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key


def lan_addresses():
    """This machine's own IPv4 and IPv6 addresses, loopback and link-local left out."""
    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            text = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            address = ip_address(text.split("%")[0])
            if address.is_loopback or address.is_link_local:
                continue
            found.append(address)
    return found


def lan_hosts():
    """Host headers a phone on the LAN may send: the addresses and the machine's name."""
    hosts = [str(a) if a.version == 4 else f"[{a}]" for a in lan_addresses()]
    name = socket.gethostname()
    if name:
        hosts += [name, f"{name}.local"]
    return hosts


def site_url_for(addrport):
    """The address phones should use for a server bound to ``addrport``: this machine's
    first LAN IPv4 address when it listens on every address, else the bound address."""
    host, _, port = addrport.rpartition(":")
    host = host or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):
        ipv4 = [a for a in lan_addresses() if a.version == 4]
        host = str(ipv4[0]) if ipv4 else "127.0.0.1"
    return f"http://{host}:{port}"

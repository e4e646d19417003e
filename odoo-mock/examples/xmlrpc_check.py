#!/usr/bin/env python3
"""Drive odoo-mock with Python's own xmlrpc.client (standard library only).

Usage: python3 odoo-mock/examples/xmlrpc_check.py [PORT] [DB]
(start the server first: cargo run -p odoo-mock -- --port 8069)
"""
import sys
import xmlrpc.client

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8069
db = sys.argv[2] if len(sys.argv) > 2 else "odoo18"
url = f"http://127.0.0.1:{port}"

common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
version = common.version()
print("version", version)

uid = common.authenticate(db, "alice", "alice", {})
print("alice uid", uid)
# alice is uid 8 on the recorded 16-18 databases, 7 on 19.
assert uid == (7 if version["server_version_info"][0] >= 19 else 8), uid
rows = models.execute_kw(db, uid, "alice", "sale.order", "search_read", [[]], {"fields": ["name", "user_id", "state"]})
ids = sorted(r["id"] for r in rows)
print("alice sees orders", ids)
assert ids == [21, 22, 23], ids

admin = common.login(db, "admin", "admin")
assert admin == 2, admin
pid = models.execute_kw(db, admin, "admin", "res.partner", "create", [{"name": "xmlrpc partner & co <x>", "email": None}])
print("created partner", pid)
assert models.execute_kw(db, admin, "admin", "res.partner", "write", [[pid], {"phone": "+1 555 0100"}]) is True
[row] = models.execute_kw(db, admin, "admin", "res.partner", "read", [[pid]], {"fields": ["name", "phone", "email"]})
print("read back", row)
assert row["name"] == "xmlrpc partner & co <x>" and row["phone"] == "+1 555 0100" and row["email"] is False
assert models.execute_kw(db, admin, "admin", "res.partner", "unlink", [[pid]]) is True
assert models.execute_kw(db, admin, "admin", "res.partner", "read", [[pid]], {"fields": ["name"]}) == []

try:
    models.execute_kw(db, uid, "alice", "sale.order", "read", [[24]], {"fields": ["name"]})
    raise SystemExit("alice could read bob's order 24")
except xmlrpc.client.Fault as f:
    print("bob's order as alice -> Fault", f.faultCode, f.faultString.splitlines()[0])
    assert f.faultCode == 4, f.faultCode

try:
    models.execute_kw(db, uid, "WRONG", "sale.order", "search", [[]])
    raise SystemExit("wrong password accepted")
except xmlrpc.client.Fault as f:
    print("wrong password -> Fault", f.faultCode, f.faultString)
    assert f.faultCode == 3

legacy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/object")
try:
    legacy.execute_kw(db, uid, "alice", "sale.order", "read", [[24]])
except xmlrpc.client.Fault as f:
    print("legacy /xmlrpc fault code:", repr(f.faultCode.splitlines()[0]))
    assert f.faultCode.startswith("warning -- AccessError")
print("xmlrpc.client: OK")

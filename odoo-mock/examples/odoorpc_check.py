#!/usr/bin/env python3
"""Drive odoo-mock with the unmodified odoorpc client (pip install odoorpc).

Usage: python3 odoo-mock/examples/odoorpc_check.py [PORT]
(start the server first: cargo run -p odoo-mock -- --port 8069)
"""
import sys

import odoorpc

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8069

alice = odoorpc.ODOO("127.0.0.1", port=port)
print("version", alice.version)
print("databases", alice.db.list())
alice.login("odoo18", "alice", "alice")
print("logged in as", alice.env.user.name, "uid", alice.env.uid, "context", alice.env.context)

Order = alice.env["sale.order"]
ids = Order.search([])
print("alice sees orders", ids)
assert sorted(ids) == [21, 22, 23], ids
for order in Order.browse(ids):
    print(" ", order.name, order.state, order.partner_id.name, order.amount_total, order.user_id.name)
rows = Order.search_read([], ["name", "user_id"])
assert all(r["user_id"][0] == alice.env.uid for r in rows), rows
try:
    Order.browse(24).name
    raise SystemExit("alice could read bob's order 24")
except odoorpc.error.RPCError as e:
    print("reading bob's order 24:", type(e).__name__, str(e).splitlines()[0])

# On a real Odoo 18, a salesman (alice) has read-only access to res.partner
# (no "Contact Creation" group): create raises AccessError. Same here.
Partner = alice.env["res.partner"]
try:
    Partner.create({"name": "alice's partner"})
    raise SystemExit("alice could create a partner")
except odoorpc.error.RPCError as e:
    print("alice create res.partner:", str(e).splitlines()[0])

admin = odoorpc.ODOO("127.0.0.1", port=port)
admin.login("odoo18", "admin", "admin")
Partner = admin.env["res.partner"]
pid = Partner.create({"name": "odoorpc partner", "email": "rpc@example.com", "parent_id": 10})
p = Partner.browse(pid)
print("created partner", pid, p.display_name, p.parent_id.name)
p.write({"phone": "+1 555 0199"})
p.name = "odoorpc partner renamed"
# complete_name is 17+: display_name is on every version.
print("after write", Partner.read([pid], ["name", "phone", "display_name"]))
p.unlink()
assert Partner.search([("id", "=", pid)]) == []
print("unlinked", pid)
print("OK")

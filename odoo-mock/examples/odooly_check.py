#!/usr/bin/env python3
"""Drive odoo-mock with the unmodified odooly client (pip install odooly).

Usage:
  python3 odoo-mock/examples/odooly_check.py web PORT [DB]
      odooly logs in with /web/session/authenticate and calls
      /web/dataset/call_kw with the session cookie (any --odoo-version).
  python3 odoo-mock/examples/odooly_check.py json2 PORT DB ALICE_KEY
      odooly with an API key and no password on a --odoo-version 19 server:
      it uses JSON-2 (/json/2/<model>/<method>, bearer key).
"""
import sys

import odooly

mode = sys.argv[1] if len(sys.argv) > 1 else "web"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8069
db = sys.argv[3] if len(sys.argv) > 3 else "odoo18"
server = f"http://127.0.0.1:{port}"

if mode == "web":
    client = odooly.Client(server, db, "alice", "alice")
else:
    key = sys.argv[4]
    client = odooly.Client(server, db, "alice", api_key=key)
env = client.env
print("server", client.server_version, "protocol", env._execute_kw._protocol_name, "uid", env.uid)
# alice is uid 8 on the recorded 16-18 databases, 7 on 19.
major = int(str(client.server_version).split("~")[-1].split(".")[0])
assert env.uid == (7 if major >= 19 else 8), (client.server_version, env.uid)
expected = "Web API" if mode == "web" else "JSON-2"
assert env._execute_kw._protocol_name == expected, env._execute_kw._protocol_name

orders = env["sale.order"].search([])
print("alice sees orders", orders.ids)
assert sorted(orders.ids) == [21, 22, 23], orders.ids
for o in orders:
    print(" ", o.name, o.state, o.partner_id.name, o.amount_total, o.user_id.name)
rows = env["sale.order"].search_read([], ["name", "user_id"])
assert all(r["user_id"][0] == env.uid for r in rows), rows
try:
    env["sale.order"].browse(24).read(["name"])
    raise SystemExit("alice could read bob's order 24")
except odooly.ServerError as e:
    print("bob's order 24 as alice:", str(e).splitlines()[0][:100])
print(f"odooly over {expected}: OK")

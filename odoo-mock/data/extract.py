#!/usr/bin/env python3
"""Regenerate odoo-mock's embedded data from the shared Odoo 18 captures.

Usage: python3 odoo-mock/data/extract.py [/work/shared/odoo18]

* data/schema.json: a subset of odoo18/schema.json (same JSON shape, every field of
  each kept model), for the models listed in MODELS.
* data/demo/*.json: verbatim copies of odoo18/demo/*.json.
* data/ir_model_fields_ids.json: {model: {field: id}} of the real ir.model.fields
  ids known from the big search_read fixture (fields of the kept models get those ids).
* data/fields_get/<model>.json: the `result` of the real fields_get fixtures
  (odoo18/wire/fields_get_<model>.response.json), used as-is for those models.
"""
import json
import os
import shutil
import sys

MODELS = [
    "res.users", "res.partner", "res.company", "res.country", "res.country.state",
    "res.currency", "res.groups", "product.template", "product.product",
    "product.category", "uom.uom", "uom.category", "sale.order", "sale.order.line",
    "crm.team", "ir.model", "ir.model.fields", "ir.model.fields.selection",
    "ir.config_parameter", "ir.rule", "ir.model.access", "crm.tag", "account.tax",
    "ir.attachment", "res.partner.category", "res.partner.industry",
    "account.payment.term", "res.lang",
]

src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/odoo18"
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(src, "schema.json"), encoding="utf-8") as f:
    schema = json.load(f)
keep = [m for m in schema["models"] if m["model"] in MODELS]
missing = set(MODELS) - {m["model"] for m in keep}
if missing:
    raise SystemExit("models not in schema: %s" % sorted(missing))
schema["models"] = keep
with open(os.path.join(here, "schema.json"), "w", encoding="utf-8") as f:
    json.dump(schema, f, ensure_ascii=False, separators=(",", ":"))
os.makedirs(os.path.join(here, "demo"), exist_ok=True)
for name in sorted(os.listdir(os.path.join(src, "demo"))):
    if name.endswith(".json"):
        shutil.copyfile(os.path.join(src, "demo", name), os.path.join(here, "demo", name))
os.makedirs(os.path.join(here, "fields_get"), exist_ok=True)
for model in ("res.partner", "sale.order"):
    p = os.path.join(src, "wire", "fields_get_%s.response.json" % model)
    with open(p, encoding="utf-8") as f:
        result = json.load(f)["result"]
    with open(os.path.join(here, "fields_get", model + ".json"), "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, separators=(",", ":"))
# real ir.model.fields ids (the first 2000, from the big search_read fixture)
with open(os.path.join(src, "wire", "jsonrpc_big_search_read_ir_model_fields.response.json"), encoding="utf-8") as f:
    rows = json.load(f)["result"]
ids = {}
for r in rows:
    ids.setdefault(r["model"], {})[r["name"]] = r["id"]
with open(os.path.join(here, "ir_model_fields_ids.json"), "w", encoding="utf-8") as f:
    json.dump(ids, f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
print("kept %d models" % len(keep))

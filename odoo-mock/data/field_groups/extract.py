#!/usr/bin/env python3
"""Regenerate odoo-mock/data/field_groups/ from the captures of real Odoo servers.

Usage (from the workspace root):

    python3 odoo-mock/data/field_groups/extract.py ../shared

* NN.json (NN = 16, 17, 18, 19): verbatim copies of odooNN/field_groups.json.
* ../../tests/fixtures/field_access/NN.json: verbatim copies of odooNN/field_access_examples.json
  (the recorded AccessErrors and alice's fields_get), which tests/field_access.rs replays.
* group_names.json: {"NN": {group id: display name}}, the names Odoo prints in a field
  AccessError ("allowed for groups 'Purchase / User'"), used when the store's res.groups
  lacks the group. 16-18: `full_name` of odooNN/demo/res.groups.json. 19: the demo's
  `full_name`, completed with every group of the res.users `view_group_hierarchy` in
  odoo19/full_rows.json ("privilege / name", or the name alone without a privilege).
"""
import json
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "..", "shared")
fixtures = os.path.join(here, "..", "..", "tests", "fixtures", "field_access")
os.makedirs(fixtures, exist_ok=True)
names = {}
for version in ("16", "17", "18", "19"):
    src = os.path.join(shared, "odoo" + version)
    shutil.copyfile(os.path.join(src, "field_groups.json"), os.path.join(here, version + ".json"))
    shutil.copyfile(
        os.path.join(src, "field_access_examples.json"),
        os.path.join(fixtures, version + ".json"),
    )
    table = {}
    if version == "19":
        with open(os.path.join(src, "full_rows.json"), encoding="utf-8") as f:
            rows = json.load(f)["rows"]
        for user in rows.get("res.users", []):
            hierarchy = user.get("view_group_hierarchy") or {}
            privileges = hierarchy.get("privileges", {})
            for gid, group in hierarchy.get("groups", {}).items():
                privilege = privileges.get(str(group.get("privilege_id")))
                name = group["name"]
                table[int(gid)] = f"{privilege['name']} / {name}" if privilege else name
    with open(os.path.join(src, "demo", "res.groups.json"), encoding="utf-8") as f:
        for group in json.load(f):
            if group.get("full_name"):
                table[group["id"]] = group["full_name"]
    names[version] = {str(k): table[k] for k in sorted(table)}
with open(os.path.join(here, "group_names.json"), "w", encoding="utf-8") as f:
    json.dump(names, f, ensure_ascii=False, indent=1, sort_keys=False)
    f.write("\n")

"""Tests of scripts/local/confluent_registry.py over HTTP, as a client sees it.

    python3 -m unittest discover -s scripts/local -p 'test_*.py'

(scripts/test.sh runs them.) Each test gets a fresh registry on a free port.
"""

import json
import threading
import unittest
import urllib.error
import urllib.request

import confluent_registry

CT = "application/vnd.schemaregistry.v1+json"


def avro_record(*fields, name="Order"):
    return json.dumps({"type": "record", "name": name, "namespace": "demo", "fields": list(fields)})


ID = {"name": "id", "type": "string"}
AMOUNT = {"name": "amount", "type": "int"}


class RegistryTest(unittest.TestCase):
    def setUp(self):
        self.server = confluent_registry.serve("127.0.0.1", 0, log=False)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": CT})
        try:
            with urllib.request.urlopen(req) as res:
                status, raw, ctype = res.status, res.read(), res.headers["Content-Type"]
        except urllib.error.HTTPError as e:
            status, raw, ctype = e.code, e.read(), e.headers["Content-Type"]
        self.assertEqual(ctype, CT)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode()

    def ok(self, method, path, body=None):
        status, answer = self.call(method, path, body)
        self.assertEqual(status, 200, answer)
        return answer

    def error(self, method, path, body, status, error_code):
        got_status, answer = self.call(method, path, body)
        self.assertEqual((got_status, answer.get("error_code")), (status, error_code), answer)
        self.assertIsInstance(answer["message"], str)

    def register(self, subject, schema, **extra):
        return self.ok("POST", f"/subjects/{subject}/versions", {"schema": schema, **extra})["id"]

    def test_register_and_read_back(self):
        self.assertEqual(self.ok("GET", "/subjects"), [])
        first = self.register("demo.orders-value", avro_record(ID))
        self.assertEqual(first, 1)
        # The same schema again: the same id, no new version.
        self.assertEqual(self.register("demo.orders-value", avro_record(ID)), 1)
        self.assertEqual(self.ok("GET", "/subjects/demo.orders-value/versions"), [1])
        # The same schema under another subject: the same (global) id.
        self.assertEqual(self.register("other-value", avro_record(ID)), 1)
        proto = 'syntax = "proto3";\nmessage Line { string text = 1; }'
        self.assertEqual(self.register("logs.lines-value", proto, schemaType="PROTOBUF"), 2)
        self.assertEqual(self.ok("GET", "/subjects"), ["demo.orders-value", "logs.lines-value", "other-value"])
        self.assertEqual(self.ok("GET", "/subjects?subjectPrefix=logs."), ["logs.lines-value"])

        latest = self.ok("GET", "/subjects/demo.orders-value/versions/latest")
        self.assertEqual(latest, {"subject": "demo.orders-value", "version": 1, "id": 1,
                                  "schema": json.dumps(json.loads(avro_record(ID)), separators=(",", ":"))})
        self.assertNotIn("schemaType", latest)  # left out for AVRO
        self.assertEqual(self.ok("GET", "/subjects/demo.orders-value/versions/1"), latest)
        self.assertEqual(self.ok("GET", "/subjects/logs.lines-value/versions/1")["schemaType"], "PROTOBUF")
        self.assertEqual(self.ok("GET", "/schemas/ids/1"), {"schema": latest["schema"]})
        self.assertEqual(self.ok("GET", "/schemas/ids/2"), {"schemaType": "PROTOBUF", "schema": proto})
        self.assertEqual(self.ok("GET", "/schemas/ids/1/versions"),
                         [{"subject": "demo.orders-value", "version": 1}, {"subject": "other-value", "version": 1}])
        self.assertEqual(self.ok("GET", "/subjects/demo.orders-value/versions/1/schema"), json.loads(latest["schema"]))

        self.register("demo.orders-value", avro_record(ID, {**AMOUNT, "default": 0}))
        listed = self.ok("GET", "/schemas?subjectPrefix=demo.&latestOnly=true")
        self.assertEqual([(s["subject"], s["version"], s["id"]) for s in listed], [("demo.orders-value", 2, 3)])
        self.assertEqual(len(self.ok("GET", "/schemas")), 4)

        found = self.ok("POST", "/subjects/demo.orders-value", {"schema": avro_record(ID)})
        self.assertEqual((found["version"], found["id"]), (1, 1))

    def test_errors(self):
        self.error("GET", "/subjects/nope/versions", None, 404, 40401)
        self.error("GET", "/subjects/nope/versions/1", None, 404, 40401)
        self.register("s", avro_record(ID))
        self.error("GET", "/subjects/s/versions/2", None, 404, 40402)
        self.error("GET", "/subjects/s/versions/zero", None, 422, 42202)
        self.error("GET", "/subjects/s/versions/0", None, 422, 42202)
        self.error("GET", "/schemas/ids/99", None, 404, 40403)
        self.error("GET", "/schemas/ids/99/versions", None, 404, 40403)
        self.error("POST", "/subjects/s", {"schema": avro_record(AMOUNT)}, 404, 40403)
        self.error("POST", "/subjects/nope", {"schema": avro_record(ID)}, 404, 40401)
        self.error("POST", "/subjects/s/versions", {"schema": "{not json"}, 422, 42201)
        self.error("POST", "/subjects/s/versions", {"schema": '{"type": "recod"}'}, 422, 42201)
        self.error("POST", "/subjects/s/versions", {"schema": '"Unknown"'}, 422, 42201)
        self.error("POST", "/subjects/s/versions", {"schema": "x", "schemaType": "XML"}, 422, 42201)
        self.error("POST", "/subjects/p/versions", {"schema": "nothing", "schemaType": "PROTOBUF"}, 422, 42201)
        self.error("POST", "/subjects/j/versions", {"schema": "[1]", "schemaType": "JSON"}, 422, 42201)
        self.error("GET", "/nowhere", None, 404, 404)
        self.error("DELETE", "/subjects", None, 405, 405)

    def test_backward_is_enforced_on_register(self):
        self.register("s", avro_record(ID, AMOUNT))
        # A field added without a default: old data has no value for it.
        status, answer = self.call("POST", "/subjects/s/versions",
                                   {"schema": avro_record(ID, AMOUNT, {"name": "note", "type": "string"})})
        self.assertEqual((status, answer["error_code"]), (409, 409), answer)
        self.assertIn("READER_FIELD_MISSING_DEFAULT_VALUE", answer["message"])
        # A field whose type changed (and does not promote).
        self.error("POST", "/subjects/s/versions", {"schema": avro_record(ID, {"name": "amount", "type": "string"})},
                   409, 409)
        # Removing a field, a promotion (int -> long) and a field with a default are fine.
        self.register("s", avro_record(ID, {"name": "amount", "type": "long"}))
        self.register("s", avro_record(ID))
        self.register("s", avro_record(ID, {"name": "note", "type": ["null", "string"], "default": None}))
        self.assertEqual(self.ok("GET", "/subjects/s/versions"), [1, 2, 3, 4])

    def test_compatibility_endpoint_and_levels(self):
        self.register("s", avro_record(ID, AMOUNT))
        added = {"schema": avro_record(ID, AMOUNT, {"name": "note", "type": "string"})}
        removed = {"schema": avro_record(ID)}
        url = "/compatibility/subjects/s/versions/latest"
        self.assertEqual(self.ok("POST", url, added), {"is_compatible": False})
        verbose = self.ok("POST", url + "?verbose=true", added)
        self.assertFalse(verbose["is_compatible"])
        self.assertTrue(any("READER_FIELD_MISSING_DEFAULT_VALUE" in m for m in verbose["messages"]))
        self.assertEqual(self.ok("POST", url + "?verbose=true", removed), {"is_compatible": True, "messages": []})
        # FORWARD: the old schema reads new data: removing a field without a
        # default breaks it, adding one does not.
        self.assertEqual(self.ok("PUT", "/config/s", {"compatibility": "FORWARD"}), {"compatibility": "FORWARD"})
        self.assertEqual(self.ok("GET", "/config/s"), {"compatibilityLevel": "FORWARD"})
        self.assertTrue(self.ok("POST", url, added)["is_compatible"])
        self.assertFalse(self.ok("POST", url, removed)["is_compatible"])
        # FULL: both.
        self.ok("PUT", "/config/s", {"compatibility": "FULL"})
        self.assertFalse(self.ok("POST", url, added)["is_compatible"])
        self.assertFalse(self.ok("POST", url, removed)["is_compatible"])
        with_default = {"schema": avro_record(ID, AMOUNT, {"name": "note", "type": "string", "default": ""})}
        self.assertTrue(self.ok("POST", url, with_default)["is_compatible"])
        # NONE: anything goes.
        self.ok("PUT", "/config/s", {"compatibility": "NONE"})
        self.assertTrue(self.ok("POST", url, {"schema": '"string"'})["is_compatible"])
        self.error("POST", "/compatibility/subjects/s/versions/7", added, 404, 40402)
        self.error("POST", "/compatibility/subjects/nope/versions/latest", added, 404, 40401)
        self.error("POST", url, {"schema": "{"}, 422, 42201)

    def test_transitive_checks_every_version(self):
        self.ok("PUT", "/config/s", {"compatibility": "BACKWARD_TRANSITIVE"})
        self.register("s", avro_record(ID, AMOUNT))
        self.ok("PUT", "/config/s", {"compatibility": "NONE"})
        self.register("s", avro_record(ID))
        self.ok("PUT", "/config/s", {"compatibility": "BACKWARD_TRANSITIVE"})
        # Readable with version 2's data, not with version 1's (amount: string vs int).
        again = avro_record(ID, {"name": "amount", "type": "string", "default": ""})
        self.error("POST", "/subjects/s/versions", {"schema": again}, 409, 409)
        self.ok("PUT", "/config/s", {"compatibility": "BACKWARD"})
        self.register("s", again)

    def test_other_schema_types_are_checked_only_for_sameness(self):
        proto = 'syntax = "proto3";\nmessage Line { string text = 1; }'
        self.register("p", proto, schemaType="PROTOBUF")
        changed = {"schema": proto.replace("}", "int32 n = 2; }"), "schemaType": "PROTOBUF"}
        verbose = self.ok("POST", "/compatibility/subjects/p/versions/latest?verbose=true", changed)
        self.assertFalse(verbose["is_compatible"])
        self.assertTrue(any("NONE" in m for m in verbose["messages"]))
        self.ok("PUT", "/config/p", {"compatibility": "NONE"})
        self.assertEqual(self.register("p", changed["schema"], schemaType="PROTOBUF"), 2)

    def test_config(self):
        self.assertEqual(self.ok("GET", "/config"), {"compatibilityLevel": "BACKWARD"})
        self.assertEqual(self.ok("PUT", "/config", {"compatibility": "FULL"}), {"compatibility": "FULL"})
        self.assertEqual(self.ok("GET", "/config"), {"compatibilityLevel": "FULL"})
        self.error("GET", "/config/s", None, 404, 40401)
        self.assertEqual(self.ok("GET", "/config/s?defaultToGlobal=true"), {"compatibilityLevel": "FULL"})
        self.error("PUT", "/config/s", {"compatibility": "SIDEWAYS"}, 422, 42203)
        self.error("PUT", "/config", {"compatibilityLevel": "NONE"}, 422, 42203)
        self.ok("PUT", "/config/s", {"compatibility": "NONE"})
        self.assertEqual(self.ok("DELETE", "/config/s"), "NONE")
        self.error("GET", "/config/s", None, 404, 40401)

    def test_references(self):
        self.register("demo.Money", json.dumps({"type": "record", "name": "Money", "namespace": "demo",
                                                "fields": [{"name": "cents", "type": "long"}]}))
        refs = [{"name": "demo.Money", "subject": "demo.Money", "version": 1}]
        schema = avro_record(ID, {"name": "price", "type": "demo.Money"})
        new_id = self.register("demo.orders-value", schema, references=refs)
        self.assertEqual(self.ok("GET", f"/schemas/ids/{new_id}")["references"], refs)
        self.assertEqual(self.ok("GET", "/subjects/demo.orders-value/versions/1")["references"], refs)
        # Without the reference the name is unknown.
        self.error("POST", "/subjects/x/versions", {"schema": schema}, 422, 42201)
        self.error("POST", "/subjects/x/versions",
                   {"schema": schema, "references": [{**refs[0], "version": 9}]}, 422, 42201)


if __name__ == "__main__":
    unittest.main()

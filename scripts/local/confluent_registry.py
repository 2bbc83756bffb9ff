#!/usr/bin/env python3
"""A Confluent-compatible Schema Registry for the local stack and the tests.

No Confluent-compatible registry (Confluent, Karapace, Apicurio, Redpanda)
can be installed on the project's machines, so scripts/stack.sh and
scripts/test.sh run this one: Python's standard library only, everything in
memory (gone when the process ends), one lock around the state.

    python3 scripts/local/confluent_registry.py --port 9501 [--host 127.0.0.1]

Its answers follow Confluent's published "Schema Registry API Reference"
(docs.confluent.io): paths, status codes, `error_code`s and body shapes, with
the content type application/vnd.schemaregistry.v1+json. Errors are
{"error_code": N, "message": "..."}. It serves the subset Configurator's
client uses:

  GET  /subjects[?subjectPrefix=]                    ["a-value", ...]
  GET  /subjects/{subject}/versions                  [1, 2]              40401
  GET  /subjects/{subject}/versions/{version|latest|-1}
       {subject, id, version, schemaType (left out for AVRO), schema,
        references (only when there are any)}        40401 40402 42202
  GET  /subjects/{subject}/versions/{version}/schema  the schema text alone
  POST /subjects/{subject}/versions  {schema, schemaType?, references?}
       -> {id}; the same schema again under a subject gives its existing id;
       ids are global (one id per distinct schema), from 1.
                                                     409 42201
  POST /subjects/{subject}  (lookup) -> the version object  40401 40403 42201
  GET  /schemas/ids/{id}            {schema, schemaType?, references?}  40403
  GET  /schemas/ids/{id}/versions   [{subject, version}]                40403
  GET  /schemas[?subjectPrefix=&latestOnly=true&offset=&limit=]
       version objects, by subject then version
  GET  /schemas/types               ["AVRO", "JSON", "PROTOBUF"]
  POST /compatibility/subjects/{subject}/versions/{version|latest}[?verbose=true]
       -> {is_compatible, messages (with verbose)}  40401 40402 42201 42202
  POST /compatibility/subjects/{subject}/versions  against the versions the
       subject's level names (all of them for *_TRANSITIVE)
  GET  /config                      {compatibilityLevel}  (BACKWARD at start)
  PUT  /config  {compatibility}  -> {compatibility}                     42203
  GET  /config/{subject}[?defaultToGlobal=true]  {compatibilityLevel}
       40401 when the subject has no level of its own (unless defaultToGlobal)
  PUT  /config/{subject}  {compatibility} -> {compatibility}            42203
  DELETE /config/{subject}  -> the level it had                         40401

Other errors: an unknown path 404 (error_code 404), a known path with another
method 405, a body that is not JSON 400, anything unexpected 500
(error_code 500).

Limits, compared with the real registry:
  * No deletes of subjects or versions, no modes, contexts, metadata, rule
    sets, aliases or normalization (`normalize` is ignored); no auth.
  * Schemas are checked for shape: AVRO is parsed as Avro (primitive, record,
    enum, fixed, array, map, unions, named types, namespaces; names from
    `references` are known); JSON must be a JSON object or boolean; PROTOBUF
    must name a `message` or `enum` and have balanced braces (it is not
    compiled). An invalid one is 422 error_code 42201.
  * Compatibility is checked for AVRO with Avro's schema-resolution rules:
    a reader field missing from the writer needs a default; a field of a
    changed type must still resolve (int -> long -> float -> double and
    string <-> bytes promote); enum symbols the reader lacks need an enum
    default; fixed sizes and record/enum/fixed names must match; unions
    resolve branch by branch. BACKWARD (new reads old), FORWARD (old reads
    new) and FULL (both), each also *_TRANSITIVE (against every version,
    not only the latest); NONE accepts anything. Aliases are not followed.
  * JSON and PROTOBUF schemas are not analysed: under any level but NONE a
    new schema that differs from the one it is checked against is reported
    incompatible (is_compatible false, with a message saying why), so tests
    that evolve such schemas set the subject's level to NONE. A change of
    schemaType is incompatible, as in the real registry.
"""

import argparse
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
LEVELS = (
    "NONE",
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
)
SCHEMA_TYPES = ("AVRO", "JSON", "PROTOBUF")
MAX_VERSION = 2**31 - 1


class ApiError(Exception):
    def __init__(self, status, error_code, message):
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message


def subject_not_found(subject):
    return ApiError(404, 40401, f"Subject '{subject}' not found.")


def version_not_found(version):
    return ApiError(404, 40402, f"Version {version} not found.")


def schema_not_found(what="Schema not found"):
    return ApiError(404, 40403, what)


def invalid_schema(why):
    return ApiError(422, 42201, f"Invalid schema: {why}")


def invalid_version(version):
    return ApiError(
        422,
        42202,
        f"The specified version '{version}' is not a valid version id. Allowed values are "
        f"between [1, 2^31-1] and the string \"latest\"",
    )


def invalid_level(level):
    return ApiError(
        422,
        42203,
        f"Invalid compatibility level {level!r}. Valid values are none, backward, forward, "
        "full, backward_transitive, forward_transitive, and full_transitive",
    )


# ---------------------------------------------------------------- Avro ----

PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# writer type -> reader types it may be read as (Avro's promotions).
PROMOTIONS = {
    "int": {"long", "float", "double"},
    "long": {"float", "double"},
    "float": {"double"},
    "string": {"bytes"},
    "bytes": {"string"},
}


class AvroParser:
    """Parses an Avro schema (JSON) into a normal form: primitives as their
    name, named types as {"type": record|enum|fixed, "name": full name, ...}
    once and as their full name afterwards; `names` maps full names to their
    definitions, including those from references."""

    def __init__(self, names=None):
        self.names = dict(names or {})

    def parse(self, schema, namespace=""):
        if isinstance(schema, str):
            if schema in PRIMITIVES:
                return schema
            full = self.full_name(schema, namespace)
            if full in self.names:
                return full
            if schema in self.names:
                return schema
            raise invalid_schema(f"unknown type {schema!r}")
        if isinstance(schema, list):
            if not schema:
                raise invalid_schema("a union needs at least one branch")
            branches = [self.parse(b, namespace) for b in schema]
            kinds = [self.kind(b) for b in branches]
            for i, b in enumerate(branches):
                if isinstance(b, list):
                    raise invalid_schema("a union may not hold a union")
                k = kinds[i]
                if k not in ("record", "enum", "fixed") and kinds.count(k) > 1:
                    raise invalid_schema(f"a union holds {k} twice")
            named = [self.type_name(b) for b in branches if self.kind(b) in ("record", "enum", "fixed")]
            if len(named) != len(set(named)):
                raise invalid_schema("a union holds the same named type twice")
            return branches
        if not isinstance(schema, dict):
            raise invalid_schema(f"not a schema: {json.dumps(schema)}")
        t = schema.get("type")
        if t in PRIMITIVES:
            return t  # {"type": "int", "logicalType": ...} reads as an int
        if t in ("record", "error", "enum", "fixed"):
            name = schema.get("name")
            if not isinstance(name, str) or not name:
                raise invalid_schema(f"a {t} needs a name")
            ns = schema.get("namespace", namespace if "." not in name else "")
            if ns is None:
                ns = ""
            full = self.full_name(name, ns)
            for part in full.split("."):
                if not NAME_RE.match(part):
                    raise invalid_schema(f"invalid name {full!r}")
            if full in self.names:
                raise invalid_schema(f"the name {full!r} is defined twice")
            inner_ns = full.rpartition(".")[0]
            node = {"type": "record" if t == "error" else t, "name": full}
            self.names[full] = node
            if t in ("record", "error"):
                fields = schema.get("fields")
                if not isinstance(fields, list):
                    raise invalid_schema(f"record {full!r} needs a list of fields")
                node["fields"] = []
                seen = set()
                for f in fields:
                    if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                        raise invalid_schema(f"a field of {full!r} needs a name")
                    if not NAME_RE.match(f["name"]):
                        raise invalid_schema(f"invalid field name {f['name']!r}")
                    if f["name"] in seen:
                        raise invalid_schema(f"field {f['name']!r} appears twice in {full!r}")
                    seen.add(f["name"])
                    if "type" not in f:
                        raise invalid_schema(f"field {f['name']!r} of {full!r} needs a type")
                    node["fields"].append(
                        {
                            "name": f["name"],
                            "type": self.parse(f["type"], inner_ns),
                            "has_default": "default" in f,
                        }
                    )
            elif t == "enum":
                symbols = schema.get("symbols")
                if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
                    raise invalid_schema(f"enum {full!r} needs a list of symbols")
                if len(set(symbols)) != len(symbols):
                    raise invalid_schema(f"enum {full!r} repeats a symbol")
                node["symbols"] = symbols
                node["default"] = schema.get("default")
            else:
                size = schema.get("size")
                if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                    raise invalid_schema(f"fixed {full!r} needs a size")
                node["size"] = size
            return full
        if t == "array":
            if "items" not in schema:
                raise invalid_schema("an array needs items")
            return {"type": "array", "items": self.parse(schema["items"], namespace)}
        if t == "map":
            if "values" not in schema:
                raise invalid_schema("a map needs values")
            return {"type": "map", "values": self.parse(schema["values"], namespace)}
        if isinstance(t, (dict, list)) or (isinstance(t, str) and t):
            # {"type": "SomeName"} or {"type": {...}}: the type itself.
            return self.parse(t, namespace)
        raise invalid_schema(f"unknown type {json.dumps(t)}")

    @staticmethod
    def full_name(name, namespace):
        return name if "." in name or not namespace else f"{namespace}.{name}"

    def resolve(self, node):
        """A named type's definition for its name; anything else as is."""
        if isinstance(node, str) and node not in PRIMITIVES:
            return self.names[node]
        return node

    def kind(self, node):
        node = self.resolve(node)
        if isinstance(node, str):
            return node
        if isinstance(node, list):
            return "union"
        return node["type"]

    def type_name(self, node):
        node = self.resolve(node)
        return node["name"] if isinstance(node, dict) and "name" in node else self.kind(node)


def avro_incompatibilities(reader, writer, path="/"):
    """Why data written with `writer` cannot be read with `reader` (both
    (parser, root) pairs): a list of (errorType, description), empty when it can."""
    r_parser, r_root = reader
    w_parser, w_root = writer
    problems = []
    in_progress = set()

    def walk(r, w, at):
        rn, wn = r_parser.resolve(r), w_parser.resolve(w)
        rk, wk = r_parser.kind(r), w_parser.kind(w)
        if wk == "union":
            for i, branch in enumerate(wn):
                walk(r, branch, f"{at}{i}/")
            return
        if rk == "union":
            for branch in rn:
                if collect(branch, w, at):
                    return
            problems.append(
                (
                    "MISSING_UNION_BRANCH",
                    f"The new schema is missing a type inside a union field at path '{at}' in the old "
                    f"schema: {w_parser.type_name(w)}",
                )
            )
            return
        if rk != wk:
            if wk in PROMOTIONS and rk in PROMOTIONS[wk]:
                return
            problems.append(
                (
                    "TYPE_MISMATCH",
                    f"The type (path '{at}') of a field in the new schema does not match with the old "
                    f"schema: reader type {rk} is not compatible with writer type {wk}",
                )
            )
            return
        if rk in PRIMITIVES:
            return
        if rk in ("record", "enum", "fixed") and rn["name"].rpartition(".")[2] != wn["name"].rpartition(".")[2]:
            problems.append(
                (
                    "NAME_MISMATCH",
                    f"The name of the schema has changed (path '{at}name'): expected {wn['name']}, "
                    f"found {rn['name']}",
                )
            )
            return
        if rk == "record":
            key = (rn["name"], wn["name"])
            if key in in_progress:
                return
            in_progress.add(key)
            writer_fields = {f["name"]: f for f in wn["fields"]}
            for i, field in enumerate(rn["fields"]):
                other = writer_fields.get(field["name"])
                if other is None:
                    if not field["has_default"]:
                        problems.append(
                            (
                                "READER_FIELD_MISSING_DEFAULT_VALUE",
                                f"The field '{field['name']}' at path '{at}fields/{i}' in the new schema "
                                "has no default value and is missing in the old schema",
                            )
                        )
                else:
                    walk(field["type"], other["type"], f"{at}fields/{i}/type/")
            in_progress.discard(key)
        elif rk == "enum":
            missing = [s for s in wn["symbols"] if s not in rn["symbols"]]
            if missing and rn.get("default") is None:
                problems.append(
                    (
                        "MISSING_ENUM_SYMBOLS",
                        f"The new schema is missing enum symbols '{missing}' at path '{at}symbols' in the "
                        "old schema",
                    )
                )
        elif rk == "fixed":
            if rn["size"] != wn["size"]:
                problems.append(
                    (
                        "FIXED_SIZE_MISMATCH",
                        f"The size of FIXED type field at path '{at}size' in the new schema does not match "
                        f"with the old schema: expected {wn['size']}, found {rn['size']}",
                    )
                )
        elif rk == "array":
            walk(rn["items"], wn["items"], f"{at}items/")
        elif rk == "map":
            walk(rn["values"], wn["values"], f"{at}values/")

    def collect(r, w, at):
        # Does this reader branch read w without problems? (Tried quietly.)
        before = len(problems)
        walk(r, w, at)
        ok = len(problems) == before
        del problems[before:]
        return ok

    walk(r_root, w_root, path)
    return problems


# -------------------------------------------------------------- schemas ----


class Schema:
    """One distinct schema: what an id names."""

    def __init__(self, schema_type, text, references, parsed):
        self.schema_type = schema_type
        self.text = text
        self.references = references
        self.parsed = parsed  # AVRO: (AvroParser, root); else None

    def key(self):
        return (self.schema_type, self.text, json.dumps(self.references, sort_keys=True))


class Registry:
    def __init__(self):
        self.lock = threading.Lock()
        self.schemas = {}  # id -> Schema
        self.ids = {}  # Schema.key() -> id
        self.subjects = {}  # subject -> [id of version 1, id of version 2, ...]
        self.global_level = "BACKWARD"
        self.subject_levels = {}

    # --- helpers (called with the lock held) ---

    def versions_of(self, subject):
        versions = self.subjects.get(subject)
        if not versions:
            raise subject_not_found(subject)
        return versions

    def version_number(self, subject, version):
        versions = self.versions_of(subject)
        text = str(version)
        if text in ("latest", "-1"):
            return len(versions)
        if not re.fullmatch(r"[0-9]+", text) or not 1 <= int(text) <= MAX_VERSION:
            raise invalid_version(text)
        number = int(text)
        if number > len(versions):
            raise version_not_found(number)
        return number

    def version_object(self, subject, number):
        schema_id = self.subjects[subject][number - 1]
        s = self.schemas[schema_id]
        body = {"subject": subject, "version": number, "id": schema_id}
        if s.schema_type != "AVRO":
            body["schemaType"] = s.schema_type
        body["schema"] = s.text
        if s.references:
            body["references"] = s.references
        return body

    def level_of(self, subject):
        return self.subject_levels.get(subject, self.global_level)

    def parse(self, body):
        """The Schema a request body describes (not stored)."""
        if not isinstance(body, dict):
            raise invalid_schema("the body must be a JSON object")
        text = body.get("schema")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(422, 42201, "Empty schema")
        schema_type = body.get("schemaType") or "AVRO"
        if schema_type not in SCHEMA_TYPES:
            raise ApiError(422, 42201, f"Invalid schema type {schema_type}")
        references = body.get("references") or []
        if not isinstance(references, list):
            raise invalid_schema("references must be a list")
        known = {}
        for ref in references:
            if not isinstance(ref, dict) or not all(isinstance(ref.get(k), str) for k in ("name", "subject")):
                raise invalid_schema(f"invalid reference {json.dumps(ref)}")
            try:
                number = self.version_number(ref["subject"], ref.get("version", "latest"))
            except ApiError:
                raise invalid_schema(
                    f"reference {ref['name']!r} names {ref['subject']} version {ref.get('version')}, "
                    "which does not exist"
                ) from None
            ref_schema = self.schemas[self.subjects[ref["subject"]][number - 1]]
            if ref_schema.parsed is not None:
                known.update(ref_schema.parsed[0].names)
        references = [
            {"name": r["name"], "subject": r["subject"], "version": int(r.get("version", 1))} for r in references
        ]
        if schema_type == "AVRO":
            try:
                doc = json.loads(text)
            except ValueError as e:
                raise invalid_schema(f"not JSON: {e}") from None
            parser = AvroParser(known)
            root = parser.parse(doc)
            # Stored as the registry stores Avro: compact, no whitespace.
            return Schema("AVRO", json.dumps(doc, separators=(",", ":")), references, (parser, root))
        if schema_type == "JSON":
            try:
                doc = json.loads(text)
            except ValueError as e:
                raise invalid_schema(f"not JSON: {e}") from None
            if not isinstance(doc, (dict, bool)):
                raise invalid_schema("a JSON Schema is an object or a boolean")
            return Schema("JSON", json.dumps(doc, separators=(",", ":")), references, None)
        stripped = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
        if not re.search(r"\b(message|enum)\s+[A-Za-z_]\w*\s*\{", stripped):
            raise invalid_schema("a .proto schema names no message or enum")
        depth = 0
        for ch in stripped:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            if depth < 0:
                break
        if depth != 0:
            raise invalid_schema("unbalanced braces in the .proto schema")
        return Schema("PROTOBUF", text.strip(), references, None)

    def problems(self, new, old, level):
        """Why `new` may not follow `old` under `level`: a list of
        (errorType, description)."""
        if level == "NONE":
            return []
        if new.schema_type != old.schema_type:
            return [
                (
                    "TYPE_MISMATCH",
                    f"Incompatible because of different schema type: {new.schema_type} after "
                    f"{old.schema_type}",
                )
            ]
        if new.schema_type != "AVRO":
            if new.key() == old.key():
                return []
            return [
                (
                    "UNCHECKED",
                    f"This local registry (scripts/local/confluent_registry.py) does not analyse "
                    f"{new.schema_type} schemas: a changed one is compatible only under NONE",
                )
            ]
        found = []
        if level.startswith(("BACKWARD", "FULL")):
            found += avro_incompatibilities(new.parsed, old.parsed)
        if level.startswith(("FORWARD", "FULL")):
            found += avro_incompatibilities(old.parsed, new.parsed)
        return found

    def check(self, subject, new, numbers):
        """Checks `new` against these versions of subject: (ok, messages)."""
        level = self.level_of(subject)
        messages = []
        for number in numbers:
            old = self.schemas[self.subjects[subject][number - 1]]
            found = self.problems(new, old, level)
            for error_type, description in found:
                messages.append(
                    "{errorType:'%s', description:'%s', additionalInfo:''}" % (error_type, description)
                )
            if found:
                messages.append("{oldSchemaVersion: %d}" % number)
                messages.append("{oldSchema: '%s'}" % old.text)
                messages.append("{compatibility: '%s'}" % level)
        return not messages, messages

    def numbers_to_check(self, subject):
        versions = self.subjects.get(subject) or []
        if not versions:
            return []
        if self.level_of(subject).endswith("_TRANSITIVE"):
            return list(range(1, len(versions) + 1))
        return [len(versions)]

    # --- the API ---

    def register(self, subject, body):
        with self.lock:
            new = self.parse(body)
            versions = self.subjects.get(subject) or []
            for schema_id in versions:
                if self.schemas[schema_id].key() == new.key():
                    return {"id": schema_id}
            ok, messages = self.check(subject, new, self.numbers_to_check(subject))
            if not ok:
                raise ApiError(
                    409,
                    409,
                    f"Schema being registered is incompatible with an earlier schema for subject "
                    f"\"{subject}\", details: [{', '.join(messages)}]",
                )
            schema_id = self.ids.get(new.key())
            if schema_id is None:
                schema_id = len(self.schemas) + 1
                self.schemas[schema_id] = new
                self.ids[new.key()] = schema_id
            self.subjects.setdefault(subject, []).append(schema_id)
            return {"id": schema_id}

    def lookup(self, subject, body):
        with self.lock:
            versions = self.versions_of(subject)
            new = self.parse(body)
            for i, schema_id in enumerate(versions):
                if self.schemas[schema_id].key() == new.key():
                    return self.version_object(subject, i + 1)
            raise schema_not_found()

    def compatibility(self, subject, version, body, verbose):
        with self.lock:
            if version is None:
                numbers = self.numbers_to_check(subject)
            else:
                numbers = [self.version_number(subject, version)]
            new = self.parse(body)
            ok, messages = self.check(subject, new, numbers)
            answer = {"is_compatible": ok}
            if verbose:
                answer["messages"] = messages
            return answer

    def list_subjects(self, prefix):
        with self.lock:
            return sorted(s for s in self.subjects if s.startswith(prefix))

    def list_versions(self, subject):
        with self.lock:
            return list(range(1, len(self.versions_of(subject)) + 1))

    def get_version(self, subject, version):
        with self.lock:
            return self.version_object(subject, self.version_number(subject, version))

    def get_by_id(self, schema_id):
        with self.lock:
            s = self.schemas.get(schema_id)
            if s is None:
                raise schema_not_found()
            body = {}
            if s.schema_type != "AVRO":
                body["schemaType"] = s.schema_type
            body["schema"] = s.text
            if s.references:
                body["references"] = s.references
            return body

    def versions_of_id(self, schema_id):
        with self.lock:
            if schema_id not in self.schemas:
                raise schema_not_found()
            return [
                {"subject": subject, "version": i + 1}
                for subject in sorted(self.subjects)
                for i, sid in enumerate(self.subjects[subject])
                if sid == schema_id
            ]

    def list_schemas(self, prefix, latest_only, offset, limit):
        with self.lock:
            out = []
            for subject in sorted(self.subjects):
                if not subject.startswith(prefix):
                    continue
                count = len(self.subjects[subject])
                numbers = [count] if latest_only else range(1, count + 1)
                out += [self.version_object(subject, n) for n in numbers]
            out = out[offset:]
            return out if limit < 0 else out[:limit]

    def get_level(self, subject, default_to_global):
        with self.lock:
            if subject is None:
                return {"compatibilityLevel": self.global_level}
            if subject in self.subject_levels:
                return {"compatibilityLevel": self.subject_levels[subject]}
            if default_to_global:
                return {"compatibilityLevel": self.global_level}
            raise subject_not_found(subject)

    def set_level(self, subject, body):
        level = body.get("compatibility") if isinstance(body, dict) else None
        if not isinstance(level, str) or level.upper() not in LEVELS:
            raise invalid_level(level)
        with self.lock:
            if subject is None:
                self.global_level = level.upper()
            else:
                self.subject_levels[subject] = level.upper()
            return {"compatibility": level.upper()}

    def delete_level(self, subject):
        with self.lock:
            if subject not in self.subject_levels:
                raise subject_not_found(subject)
            return self.subject_levels.pop(subject)


# ----------------------------------------------------------------- HTTP ----


def flag(query, name):
    return query.get(name, ["false"])[-1].lower() == "true"


def integer(query, name, default):
    try:
        return int(query.get(name, [default])[-1])
    except ValueError:
        return default


def schema_id_of(text):
    if not re.fullmatch(r"[0-9]+", text):
        raise schema_not_found()
    return int(text)


ROUTES = [
    # (method, pattern, handler(registry, match groups, query, body))
    ("GET", r"/subjects", lambda r, g, q, b: r.list_subjects(q.get("subjectPrefix", [""])[-1])),
    ("GET", r"/subjects/([^/]+)/versions", lambda r, g, q, b: r.list_versions(g[0])),
    ("GET", r"/subjects/([^/]+)/versions/([^/]+)", lambda r, g, q, b: r.get_version(g[0], g[1])),
    (
        "GET",
        r"/subjects/([^/]+)/versions/([^/]+)/schema",
        lambda r, g, q, b: RawSchema(r.get_version(g[0], g[1])["schema"]),
    ),
    ("POST", r"/subjects/([^/]+)/versions", lambda r, g, q, b: r.register(g[0], b)),
    ("POST", r"/subjects/([^/]+)", lambda r, g, q, b: r.lookup(g[0], b)),
    ("GET", r"/schemas", lambda r, g, q, b: r.list_schemas(
        q.get("subjectPrefix", [""])[-1], flag(q, "latestOnly"), max(0, integer(q, "offset", 0)),
        integer(q, "limit", -1))),
    ("GET", r"/schemas/types", lambda r, g, q, b: list(SCHEMA_TYPES)),
    ("GET", r"/schemas/ids/([^/]+)", lambda r, g, q, b: r.get_by_id(schema_id_of(g[0]))),
    ("GET", r"/schemas/ids/([^/]+)/versions", lambda r, g, q, b: r.versions_of_id(schema_id_of(g[0]))),
    (
        "POST",
        r"/compatibility/subjects/([^/]+)/versions/([^/]+)",
        lambda r, g, q, b: r.compatibility(g[0], g[1], b, flag(q, "verbose")),
    ),
    (
        "POST",
        r"/compatibility/subjects/([^/]+)/versions",
        lambda r, g, q, b: r.compatibility(g[0], None, b, flag(q, "verbose")),
    ),
    ("GET", r"/config", lambda r, g, q, b: r.get_level(None, True)),
    ("PUT", r"/config", lambda r, g, q, b: r.set_level(None, b)),
    ("GET", r"/config/([^/]+)", lambda r, g, q, b: r.get_level(g[0], flag(q, "defaultToGlobal"))),
    ("PUT", r"/config/([^/]+)", lambda r, g, q, b: r.set_level(g[0], b)),
    ("DELETE", r"/config/([^/]+)", lambda r, g, q, b: r.delete_level(g[0])),
]
ROUTES = [(m, re.compile(p + r"/?"), h) for m, p, h in ROUTES]


class RawSchema(str):
    """An answer sent as the schema text itself (…/versions/{v}/schema)."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients' pools expect
    server_version = "configurator-confluent-registry"
    registry = None  # set by serve()

    def handle_any(self):
        status, body = 200, None
        try:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            matched_path = False
            for method, pattern, handler in ROUTES:
                m = pattern.fullmatch(url.path)
                if not m:
                    continue
                matched_path = True
                if method != self.command:
                    continue
                payload = None
                if self.command in ("POST", "PUT"):
                    try:
                        payload = json.loads(raw or b"null")
                    except ValueError as e:
                        raise ApiError(400, 400, f"Unrecognized JSON in the request body: {e}") from None
                body = handler(self.registry, [unquote(g) for g in m.groups()], query, payload)
                break
            else:
                if matched_path:
                    raise ApiError(405, 405, "HTTP 405 Method Not Allowed")
                raise ApiError(404, 404, "HTTP 404 Not Found")
        except ApiError as e:
            status, body = e.status, {"error_code": e.error_code, "message": e.message}
        except Exception as e:  # noqa: BLE001 - the API's 500
            status, body = 500, {"error_code": 500, "message": f"Internal error: {e!r}"}
        if isinstance(body, RawSchema):
            data, content_type = body.encode(), CONTENT_TYPE
        else:
            data, content_type = json.dumps(body).encode(), CONTENT_TYPE
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), format % args))


def serve(host, port, log=True):
    """A server (not yet serving) with an empty registry; port 0 picks one."""
    attrs = {"registry": Registry()}
    if not log:
        attrs["log_message"] = lambda self, *args: None
    handler = type("BoundHandler", (Handler,), attrs)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    server = serve(args.host, args.port)
    print(f"Confluent-compatible schema registry on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds the hostile corpus JSON files. Run: python3 build.py (writes next to itself)."""
import base64, gzip, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
FUT = "2031-06-02T10:00:00-04:00"  # fixed future start used inside $raw / $base64 bodies

def gen_huge(n, ch="a"):
    return {"$generate": "hugeString", "bytes": n, "char": ch}

def deep_array(d):
    return {"$generate": "deepArray", "depth": d}

def deep_object(d, key="a"):
    return {"$generate": "deepObject", "depth": d, "key": key}

def repeat(n, v):
    return {"$generate": "repeat", "count": n, "value": v}

def concat(prefix, unit, count, suffix=""):
    return {"$generate": "concat", "prefix": prefix, "unit": unit, "count": count, "suffix": suffix}

# ---------------------------------------------------------------- booking
booking = []

def B(desc, status=(400,), mentions=None, **req):
    r = {"tenant": "own", "body": "$VALID_BOOKING", "signature": "valid"}
    r.update(req)
    e = {"status": list(status)}
    if mentions:
        e["mentions"] = mentions
    booking.append({"id": "booking-%03d" % (len(booking) + 1), "description": desc, "request": r, "expect": e})

P = "appointment.patient.phone"
for desc, v in [
    ("phone without leading +", "14155550123"),
    ("phone with spaces and dashes", "+1 415-555-0123"),
    ("phone with parentheses, national format", "(415) 555-0123"),
    ("phone written in Arabic-Indic digits", "+\u0661\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0662\u0663"),
    ("phone with fullwidth plus sign", "\uff0b14155550123"),
    ("phone with fullwidth digits", "+\uff11\uff14\uff11\uff15\uff15\uff15\uff15\uff10\uff11\uff12\uff13"),
    ("phone longer than 15 digits", "+1415555012345678"),
    ("phone with country code starting with 0", "+04155550123"),
    ("phone '+1' only", "+1"),
    ("phone empty string", ""),
    ("phone with RTL override prefix", "\u202e+14155550123"),
    ("phone with zero-width joiner inside", "+1415\u200d5550123"),
    ("phone with zero-width space inside", "+1415\u200b5550123"),
    ("phone with trailing NUL byte", "+14155550123\u0000"),
    ("phone with BOM prefix", "\ufeff+14155550123"),
    ("phone as tel: URI", "tel:+14155550123"),
    ("phone with whatsapp: prefix", "whatsapp:+14155550123"),
    ("phone with a letter", "+1415555012a"),
    ("phone with trailing newline (header injection style)", "+14155550123\n"),
    ("phone with SQL injection tail", "+14155550123' OR '1'='1"),
    ("phone with extension", "+14155550123x45"),
    ("phone 'NaN'", "NaN"),
]:
    B(desc, mentions=P, patch={P: v})
B("phone as a number", mentions=P, patch={P: 14155550123})
B("phone null", mentions=P, patch={P: None})
B("phone missing", mentions=P, delete=[P])
B("phone as array", mentions=P, patch={P: ["+14155550123"]})
B("phone as object", mentions=P, patch={P: {"e164": "+14155550123"}})
B("phone 1 MB string of digits", status=(400, 413), mentions=P, patch={P: gen_huge(1_000_000, "1")})

S = "appointment.startsAt"
for desc, v in [
    ("startsAt without offset", "2031-03-14T09:30:00"),
    ("startsAt impossible date Feb 30", "2031-02-30T10:00:00-05:00"),
    ("startsAt month 13", "2031-13-01T10:00:00Z"),
    ("startsAt hour 25", "2031-06-01T25:00:00Z"),
    ("startsAt minute 61", "2031-06-01T10:61:00Z"),
    ("startsAt offset +25:00", "2031-06-01T10:00:00+25:00"),
    ("startsAt year 9999", "9999-12-31T23:59:59Z"),
    ("startsAt year 0001", "0001-01-01T00:00:00Z"),
    ("startsAt far in the past for a new booking", "2001-01-01T10:00:00Z"),
    ("startsAt date only", "2031-03-14"),
    ("startsAt natural language", "tomorrow at 5pm"),
    ("startsAt empty string", ""),
    ("startsAt expanded year +275760", "+275760-09-13T00:00:00Z"),
    ("startsAt with NUL byte", "2031-03-14T09:30:00Z\u0000"),
    ("startsAt in fullwidth digits", "\uff12\uff10\uff13\uff11-03-14T09:30:00Z"),
    ("startsAt as RFC 2822 string", "Fri, 14 Mar 2031 09:30:00 GMT"),
    ("startsAt 'Invalid Date'", "Invalid Date"),
]:
    B(desc, mentions=S, patch={S: v})
B("startsAt as unix seconds number", mentions=S, patch={S: 1931000000})
B("startsAt null", mentions=S, patch={S: None})
B("startsAt missing", mentions=S, delete=[S])
B("startsAt as object", mentions=S, patch={S: {"date": "2031-03-14", "time": "09:30"}})

D = "appointment.durationMinutes"
for desc, v in [
    ("durationMinutes zero", 0), ("durationMinutes negative", -30), ("durationMinutes fractional", 30.5),
    ("durationMinutes 1e308", 1e308), ("durationMinutes numeric string", "30"), ("durationMinutes 'NaN'", "NaN"),
    ("durationMinutes 'Infinity'", "Infinity"), ("durationMinutes one million (about two years)", 1_000_000),
    ("durationMinutes 2^31", 2147483648), ("durationMinutes 2^53+1", 9007199254740993),
    ("durationMinutes boolean", True), ("durationMinutes array", [30]), ("durationMinutes object", {"$numberInt": "30"}),
    ("durationMinutes -0.0001", -0.0001),
]:
    B(desc, mentions=D, patch={D: v})

for desc, v in [("type unknown appointment.deleted", "appointment.deleted"), ("type upper-case", "APPOINTMENT.CREATED"),
                ("type number", 1), ("type with NUL", "appointment.created\u0000"), ("type __proto__", "__proto__"),
                ("type null", None), ("type array", ["appointment.created"]), ("type with trailing space", "appointment.created ")]:
    B(desc, mentions="type", patch={"type": v})
B("type missing", mentions="type", delete=["type"])

B("event id missing", mentions="id", delete=["id"])
B("event id empty string", mentions="id", patch={"id": ""})
B("event id null", mentions="id", patch={"id": None})
B("event id object", mentions="id", patch={"id": {"$oid": "1"}})
B("event id with NUL byte", mentions="id", patch={"id": "evt_\u0000_1"})
B("event id 1 MB long", status=(400, 413), mentions="id", patch={"id": gen_huge(1_000_000)})

B("occurredAt missing", mentions="occurredAt", delete=["occurredAt"])
B("occurredAt not a date", mentions="occurredAt", patch={"occurredAt": "yesterday"})
B("occurredAt without offset", mentions="occurredAt", patch={"occurredAt": "2026-11-29T10:00:00"})
B("occurredAt number", mentions="occurredAt", patch={"occurredAt": 1764410000})

E = "appointment.externalId"
B("externalId missing", mentions=E, delete=[E])
B("externalId empty", mentions=E, patch={E: ""})
B("externalId with NUL byte", mentions=E, patch={E: "abc\u0000def"})
B("externalId 1 MB", status=(400, 413), mentions=E, patch={E: gen_huge(1_000_000)})
B("externalId array", mentions=E, patch={E: ["a", "b"]})
B("externalId null", mentions=E, patch={E: None})
B("externalId whitespace only", mentions=E, patch={E: "   "})

N = "appointment.patient.name"
B("patient missing", mentions="appointment.patient", delete=["appointment.patient"])
B("patient is an array", mentions="appointment.patient", patch={"appointment.patient": [{"name": "Ann", "phone": "+14155550123"}]})
B("patient null", mentions="appointment.patient", patch={"appointment.patient": None})
B("patient is a string", mentions="appointment.patient", patch={"appointment.patient": "Ann +14155550123"})
B("patient name missing", mentions=N, delete=[N])
B("patient name empty", mentions=N, patch={N: ""})
B("patient name whitespace only", mentions=N, patch={N: " \t "})
B("patient name with NUL byte", mentions=N, patch={N: "Ann\u0000Smith"})
B("patient name 1 MB", status=(400, 413), mentions=N, patch={N: gen_huge(1_000_000)})
B("patient name number", mentions=N, patch={N: 42})
B("patient name only invisible chars (RTL override, ZWJ)", mentions=N, patch={N: "\u202e\u200d\u200b"})
L = "appointment.patient.locale"
B("patient locale garbage", mentions=L, patch={L: "xx-INVALID-\U0001F600"})
B("patient locale number", mentions=L, patch={L: 5})
B("patient locale path traversal", mentions=L, patch={L: "../../etc/passwd"})
B("patient locale 100 KB", status=(400, 413), mentions=L, patch={L: gen_huge(100_000)})
B("provider is an object", mentions="appointment.provider", patch={"appointment.provider": {"name": "Dr X", "$where": "1"}})
B("provider with NUL", mentions="appointment.provider", patch={"appointment.provider": "Dr\u0000X"})
B("location 2 MB", status=(400, 413), mentions="appointment.location", patch={"appointment.location": gen_huge(2_000_000)})
B("location array", mentions="appointment.location", patch={"appointment.location": ["Room 1"]})

B("appointment missing", mentions="appointment", delete=["appointment"])
B("appointment is an array", mentions="appointment", patch={"appointment": []})
B("appointment is a JSON string", mentions="appointment", patch={"appointment": json.dumps({"externalId": "x", "startsAt": FUT, "patient": {"name": "A", "phone": "+14155550123"}})})

# prototype pollution & unknown fields
B("phone deleted, supplied only through patient.__proto__ (own JSON key)", mentions=P, delete=[P], patch={"appointment.patient.__proto__": {"phone": "+14155550123"}})
B("phone deleted, supplied only through patient.constructor.prototype", mentions=P, delete=[P], patch={"appointment.patient.constructor": {"prototype": {"phone": "+14155550123"}}})
B("startsAt deleted, supplied via appointment.__proto__", mentions=S, delete=[S], patch={"appointment.__proto__": {"startsAt": "$FUTURE_START"}})
B("top-level __proto__ key with isAdmin", patch={"__proto__": {"isAdmin": True, "tenantId": "$OTHER"}})
B("top-level constructor.prototype pollution", patch={"constructor": {"prototype": {"polluted": True}}})
B("unknown field with 10,000-deep nested arrays", status=(400, 413), patch={"appointment.extra": deep_array(10000)})
B("unknown field with 10,000-deep nested objects", status=(400, 413), patch={"metadata": deep_object(10000)})
B("unknown field with 100,000-deep nested arrays", status=(400, 413), patch={"appointment.patient.x": deep_array(100000)})
B("unknown field holding a 5 MB string", status=(400, 413), patch={"appointment.notes": gen_huge(5_000_000)})
B("unknown field: array of 1,000,000 small strings", status=(400, 413), patch={"tags": repeat(1_000_000, "x")})
B("unknown field tenantId pointing at another tenant", patch={"tenantId": "$OTHER"})

# raw / bytes
def raw_booking(name="Ann", phone="+14155550123", extra=""):
    return ('{"id":"$EVENT_ID","type":"appointment.created","occurredAt":"$NOW","appointment":{"externalId":"$EVENT_ID",'
            '"startsAt":"$FUTURE_START","durationMinutes":30,"patient":{"name":"%s","phone":"%s"}%s}}' % (name, phone, extra))

B("patient name is a lone high surrogate \\ud800 (escaped in JSON)", mentions=N, body={"$raw": raw_booking(name="\\ud800")})
B("patient name is a lone low surrogate \\udfff followed by text", mentions=N, body={"$raw": raw_booking(name="A\\udfffB")})
B("phone with escaped NUL \\u0000 in raw JSON", mentions=P, body={"$raw": raw_booking(phone="+1415555\\u00000123")})

def b64(bs):
    return base64.b64encode(bs).decode()

fixed = ('{"id":"evt-hostile-%s","type":"appointment.created","occurredAt":"2026-11-29T07:00:00Z","appointment":'
         '{"externalId":"ext-hostile-%s","startsAt":"' + FUT + '","patient":{"name":"NAME","phone":"PHONE"}}}')
def bytes_body(tag, name=b"Ann", phone=b"+14155550123"):
    return (fixed % (tag, tag)).encode().replace(b"NAME", name).replace(b"PHONE", phone)
B("invalid UTF-8 bytes (0xFF 0xFE) in patient name", mentions=N, body={"$base64": b64(bytes_body("utf8a", name=b"A\xff\xfeB"))})
B("overlong UTF-8 encoding of '+' (0xC0 0xAB) in phone", mentions=P, body={"$base64": b64(bytes_body("utf8b", phone=b"\xc0\xab14155550123"))})
B("truncated UTF-8 multibyte sequence at end of name", mentions=N, body={"$base64": b64(bytes_body("utf8c", name=b"Ann\xe2\x82"))})
B("UTF-8 encoded surrogate (CESU, 0xED 0xA0 0x80) in name", mentions=N, body={"$base64": b64(bytes_body("utf8d", name=b"A\xed\xa0\x80"))})
B("body encoded as UTF-16LE with BOM", status=(400, 415), body={"$base64": b64(b"\xff\xfe" + bytes_body("utf16").decode().encode("utf-16-le"))})
B("truncated JSON", body={"$raw": raw_booking()[:-7]})
B("JSON with trailing comma", body={"$raw": raw_booking()[:-2] + ",}}"})
B("JSON with comments", body={"$raw": "/* hi */" + raw_booking()})
B("single-quoted pseudo JSON", body={"$raw": raw_booking().replace('"', "'")})
B("empty body", status=(400, 415), body={"$raw": ""})
B("body JSON null", body={"$raw": "null"})
B("body JSON array", body={"$raw": "[]"})
B("body JSON string", body={"$raw": "\"appointment.created\""})
B("body JSON number", body={"$raw": "123"})
B("body JSON NaN literal in durationMinutes", mentions=D, body={"$raw": raw_booking().replace('"durationMinutes":30', '"durationMinutes":NaN')})
B("valid JSON sent as text/plain", status=(400, 415), headers={"content-type": "text/plain"})
B("valid JSON sent as form-urlencoded content type", status=(400, 415), headers={"content-type": "application/x-www-form-urlencoded"})
B("content-encoding gzip claimed but body is plain", status=(400, 415), headers={"content-encoding": "gzip"})
B("gzip bomb: 64 MB of zeros compressed (content-encoding gzip)", status=(400, 401, 413, 415),
  headers={"content-encoding": "gzip", "content-type": "application/json"},
  body={"$base64": b64(gzip.compress(b'{"id":"' + b"0" * (64 * 1024 * 1024) + b'"}', 9))})
B("whole body 8 MB of whitespace padding around a valid event", status=(400, 413),
  body={"$raw": concat("", " ", 8_000_000, raw_booking())})

# signatures
B("no X-Aro-Signature header", status=(401,), signature="none")
B("forged signature (random hex)", status=(401,), signature="forged")
B("stale timestamp (10 minutes old, correctly signed)", status=(401,), signature="stale")
B("timestamp one hour in the future (correctly signed)", status=(401,), signature="future")
B("signed with another tenant's webhook secret", status=(401,), signature="other-tenant-secret")
B("signature computed for a different body", status=(401,), signature="wrong-body")
B("signature header empty", status=(401,), signature="malformed:")
B("signature header with t only", status=(401,), signature="malformed:t=$T")
B("signature header with v1 only", status=(401,), signature="malformed:v1=$V1")
B("signature v1 empty", status=(401,), signature="malformed:t=$T,v1=")
B("signature v1 truncated to 32 hex chars", status=(401,), signature="malformed:t=$T,v1=$V1_HALF")
B("timestamp replaced after signing (t-1 with v1 computed for t)", status=(401,), signature="malformed:t=$T_MINUS_1,v1=$V1")
B("timestamp in milliseconds (signed with that value)", status=(401,), signature="malformed:t=$T_MS,v1=$V1_MS")
B("negative timestamp", status=(401,), signature="malformed:t=-1,v1=$V1")
B("scheme v0 instead of v1", status=(401,), signature="malformed:t=$T,v0=$V1")
B("signature is raw base64 of HMAC without t", status=(401,), signature="malformed:$V1_BASE64")
B("signature 20 KB of garbage", status=(400, 401, 431), signature="malformed:t=$T,v1=" + "f" * 20000)

# tenants
B("unknown tenant id (correctly signed with own secret)", status=(404,), tenant="unknown")
B("other tenant's path signed with own secret", status=(401,), tenant="other", signature="other-tenant-secret")
B("tenant id with encoded NUL", status=(400, 404), tenant="$OWN%00")
B("tenant id only %00", status=(400, 404), tenant="%00")
B("tenant path traversal to graphql", status=(400, 404), tenant="..%2f..%2fgraphql")
B("tenant path traversal to other tenant", status=(400, 404), tenant="..%2f$OTHER")
B("tenant id 5,000 characters", status=(400, 404, 414, 431), tenant="a" * 5000)
B("tenant id with RTL override", status=(400, 404), tenant="%E2%80%AE$OWN")
B("tenant id with trailing encoded space", status=(400, 404), tenant="$OWN%20")
B("tenant id __proto__", status=(400, 404), tenant="__proto__")
B("tenant id constructor", status=(400, 404), tenant="constructor")

# ---------------------------------------------------------------- twilio
twilio = []

def T(desc, route, status=(400,), mentions=None, **req):
    r = {"tenant": "own", "route": route, "form": "$VALID_INBOUND" if route == "inbound" else "$VALID_STATUS", "signature": "valid"}
    r.update(req)
    e = {"status": list(status)}
    if mentions:
        e["mentions"] = mentions
    twilio.append({"id": "twilio-%03d" % (len(twilio) + 1), "description": desc, "request": r, "expect": e})

SIG = (401, 403)
for route in ("inbound", "status"):
    T(route + ": no X-Twilio-Signature", route, SIG, signature="none")
    T(route + ": forged signature", route, SIG, signature="forged")
    T(route + ": signed with another tenant's auth token", route, SIG, signature="other-tenant-secret")
    T(route + ": signature for different form params", route, SIG, signature="wrong-body")
    T(route + ": signature computed over another URL (other route/tenant)", route, SIG, signature="wrong-url")
    T(route + ": signature header empty", route, SIG, signature="malformed:")
    T(route + ": signature header not base64", route, SIG, signature="malformed:!!!not-base64!!!")
    T(route + ": signature of URL only (params ignored)", route, SIG, signature="url-only")
    T(route + ": param added after signing", route, SIG, signature="signed-before-patch", patch={"Body" if route == "inbound" else "MessageStatus": "cancel" if route == "inbound" else "read"})
    T(route + ": unknown tenant", route, (403, 404), tenant="unknown")
    T(route + ": tenant with encoded NUL", route, (400, 403, 404), tenant="$OWN%00")
    T(route + ": tenant path traversal", route, (400, 403, 404), tenant="..%2f$OTHER")
    T(route + ": JSON body instead of form", route, (400, 403, 415), form=None, body={"MessageSid": "SM" + "0" * 32, "From": "+14155550123", "Body": "yes", "MessageStatus": "delivered"})
    T(route + ": GET instead of POST", route, (403, 404, 405), method="GET")
    T(route + ": MessageSid missing", route, (400,), mentions="MessageSid", delete=["MessageSid"])
    T(route + ": MessageSid with SQL injection", route, (400,), mentions="MessageSid", patch={"MessageSid": "SM' OR 1=1 --"})
    T(route + ": MessageSid with NUL", route, (400,), mentions="MessageSid", patch={"MessageSid": "SM" + "a" * 16 + "\u0000" + "a" * 15})
    T(route + ": MessageSid repeated twice with different values", route, (400,), patch={"MessageSid": ["SM" + "1" * 32, "SM" + "2" * 32]})
    T(route + ": AccountSid of a different Twilio account", route, (400, 403), patch={"AccountSid": "AC" + "f" * 32})

T("inbound: From missing", "inbound", mentions="From", delete=["From"])
T("inbound: From not a phone", "inbound", mentions="From", patch={"From": "not-a-phone"})
T("inbound: From in Arabic-Indic digits", "inbound", mentions="From", patch={"From": "+\u0661\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0662\u0663"})
T("inbound: From with NUL", "inbound", mentions="From", patch={"From": "+1415555\u00000123"})
T("inbound: From deleted, supplied as __proto__[From]", "inbound", mentions="From", delete=["From"], patch={"__proto__[From]": "+14155550123"})
T("inbound: From deleted, supplied as constructor[prototype][From]", "inbound", mentions="From", delete=["From"], patch={"constructor[prototype][From]": "+14155550123"})
T("inbound: From deleted, supplied as From[]", "inbound", mentions="From", delete=["From"], patch={"From[]": "+14155550123"})
T("inbound: Body missing", "inbound", mentions="Body", delete=["Body"])
T("inbound: Body of 2 MB", "inbound", (400, 413), patch={"Body": gen_huge(2_000_000)})
T("inbound: NumMedia negative", "inbound", mentions="NumMedia", patch={"NumMedia": "-1"})
T("inbound: NumMedia not a number", "inbound", mentions="NumMedia", patch={"NumMedia": "abc"})
T("inbound: 100,000 extra form fields", "inbound", (400, 413), patch={"$generateFields": {"count": 100000, "prefix": "X"}})
T("inbound: broken percent-encoding in raw body", "inbound", (400, 403), form=None,
  body={"$raw": "MessageSid=SM00000000000000000000000000000000&From=%2B1415555%E0%A4%A&Body=%"}, headers={"content-type": "application/x-www-form-urlencoded"})
T("inbound: invalid UTF-8 bytes in raw form body", "inbound", (400, 403), form=None,
  body={"$base64": b64(b"MessageSid=SM00000000000000000000000000000001&AccountSid=AC00000000000000000000000000000000&From=%2B14155550123&To=%2B14155550100&NumMedia=0&Body=y\xff\xfees")}, headers={"content-type": "application/x-www-form-urlencoded"})
T("status: MessageStatus unknown value", "status", mentions="MessageStatus", patch={"MessageStatus": "exploded"})
T("status: MessageStatus missing", "status", mentions="MessageStatus", delete=["MessageStatus"])
T("status: MessageStatus __proto__", "status", mentions="MessageStatus", patch={"MessageStatus": "__proto__"})
T("status: MessageStatus constructor", "status", mentions="MessageStatus", patch={"MessageStatus": "constructor"})
T("status: MessageStatus with NUL", "status", mentions="MessageStatus", patch={"MessageStatus": "delivered\u0000"})
T("status: MessageStatus deleted, supplied as __proto__[MessageStatus]", "status", mentions="MessageStatus", delete=["MessageStatus"], patch={"__proto__[MessageStatus]": "delivered"})
T("status: ErrorCode not numeric", "status", mentions="ErrorCode", patch={"MessageStatus": "failed", "ErrorCode": "abc'; DROP TABLE"})
T("status: MessageStatus 1 MB", "status", (400, 413), patch={"MessageStatus": gen_huge(1_000_000)})

# ---------------------------------------------------------------- dev inbound
dev = []
VD = {"from": "+14155550123", "body": "yes", "channel": "sms"}

def DV(desc, body, status=(400,), mentions=None, **req):
    r = {"tenant": "own", "body": body}
    r.update(req)
    e = {"status": list(status)}
    if mentions:
        e["mentions"] = mentions
    dev.append({"id": "dev-inbound-%03d" % (len(dev) + 1), "description": desc, "request": r, "expect": e})

def vd(**kw):
    d = dict(VD)
    for k, v in kw.items():
        if v is KeyError:
            d.pop(k, None)
        else:
            d[k] = v
    return d

DV("from missing", vd(**{"from": KeyError}), mentions="from")
for desc, v in [("from without +", "14155550123"), ("from national format", "(415) 555-0123"),
                ("from Arabic-Indic digits", "+\u0661\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0662\u0663"),
                ("from fullwidth plus", "\uff0b14155550123"), ("from with zero-width joiner", "+1415\u200d5550123"),
                ("from with NUL", "+14155550123\u0000"), ("from with whatsapp: prefix", "whatsapp:+14155550123"),
                ("from empty", ""), ("from 17 digits", "+14155550123456789")]:
    DV(desc, vd(**{"from": v}), mentions="from")
DV("from number", vd(**{"from": 14155550123}), mentions="from")
DV("from null", vd(**{"from": None}), mentions="from")
DV("from array", vd(**{"from": ["+14155550123"]}), mentions="from")
DV("body missing", vd(body=KeyError), mentions="body")
DV("body number", vd(body=1), mentions="body")
DV("body null", vd(body=None), mentions="body")
DV("body object", vd(body={"text": "yes"}), mentions="body")
DV("body empty string", vd(body=""), mentions="body")
DV("body 5 MB", vd(body=gen_huge(5_000_000)), status=(400, 413))
DV("channel email", vd(channel="email"), mentions="channel")
DV("channel upper-case SMS", vd(channel="SMS"), mentions="channel")
DV("channel number", vd(channel=1), mentions="channel")
DV("channel __proto__", vd(channel="__proto__"), mentions="channel")
DV("from supplied only via __proto__", {"__proto__": {"from": "+14155550123"}, "body": "yes"}, mentions="from")
DV("unknown field with 10,000-deep arrays", vd(extra=deep_array(10000)), status=(400, 413))
DV("body is a lone surrogate (escaped)", {"$raw": '{"from":"+14155550123","body":"\\ud800"}'}, mentions="body")
DV("invalid UTF-8 in body", {"$base64": b64(b'{"from":"+14155550123","body":"y\xff\xfes"}')}, mentions="body")
DV("malformed JSON", {"$raw": '{"from":"+14155550123","body":'})
DV("JSON array body", [VD])
DV("empty body", {"$raw": ""}, status=(400, 415))
DV("text/plain content type", VD, status=(400, 415), headers={"content-type": "text/plain"})
DV("unknown tenant", VD, status=(404,), tenant="unknown")
DV("tenant with encoded NUL", VD, status=(400, 404), tenant="$OWN%00")
DV("tenant path traversal", VD, status=(400, 404), tenant="..%2f..%2fgraphql")
DV("tenant 5,000 characters", VD, status=(400, 404, 414, 431), tenant="b" * 5000)

# ---------------------------------------------------------------- graphql
gql = []

def G(desc, query, variables=None, code="BAD_USER_INPUT", status=(200, 400), mentions=None, **req):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    r = {"tenant": "own", "auth": "own", "body": body}
    r.update(req)
    e = {"status": list(status)}
    if code:
        e["graphqlError"] = code
    if mentions:
        e["mentions"] = mentions
    gql.append({"id": "graphql-%03d" % (len(gql) + 1), "description": desc, "request": r, "expect": e})

VALIDATION = ["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"]
ME = "{ me { id name } }"
CA = "mutation($input: AppointmentInput!) { createAppointment(input: $input) { externalId status } }"
def appt(**kw):
    a = {"startsAt": "$FUTURE_START", "durationMinutes": 30, "patient": {"name": "Ann Hostile", "phone": "+14155550123"}}
    for k, v in kw.items():
        if k.startswith("patient_"):
            kk = k[len("patient_"):]
            if v is KeyError:
                a["patient"].pop(kk, None)
            else:
                a["patient"][kk] = v
        elif v is KeyError:
            a.pop(k, None)
        else:
            a[k] = v
    return {"input": a}

# auth
G("no Authorization header", ME, code="UNAUTHENTICATED", status=(401,), auth="none")
G("no Authorization header on a mutation", CA, appt(), code="UNAUTHENTICATED", status=(401,), auth="none")
G("Bearer with empty token", ME, code="UNAUTHENTICATED", status=(401,), auth="malformed:Bearer ")
G("Basic auth instead of Bearer", ME, code="UNAUTHENTICATED", status=(401,), auth="malformed:Basic dXNlcjpwYXNz")
G("own key with one extra character", ME, code="UNAUTHENTICATED", status=(401,), auth="malformed:Bearer $OWN_KEYx")
G("own key sent twice", ME, code="UNAUTHENTICATED", status=(401,), auth="malformed:Bearer $OWN_KEY $OWN_KEY")
G("own key truncated by one character", ME, code="UNAUTHENTICATED", status=(401,), auth="malformed:Bearer $OWN_KEY_TRUNC")
G("SQL injection as bearer token", ME, code="UNAUTHENTICATED", status=(401,), auth="malformed:Bearer ' OR '1'='1")
G("revoked key", ME, code="UNAUTHENTICATED", status=(401,), auth="revoked")
G("revoked key tries to create a new key", "mutation { createApiKey(name: \"backdoor\") { apiKey } }", code="UNAUTHENTICATED", status=(401,), auth="revoked")
G("10 KB bearer token", ME, code="UNAUTHENTICATED", status=(400, 401, 431), auth="malformed:Bearer " + "k" * 10000)
G("operator key reading clinic data (me)", ME, code=["FORBIDDEN", "UNAUTHENTICATED"], status=(200, 401, 403), auth="operator")
G("operator key reading appointments", "{ appointments(first: 5) { totalCount } }", code=["FORBIDDEN", "UNAUTHENTICATED"], status=(200, 401, 403), auth="operator")
G("clinic key calling createTenant", "mutation { createTenant(input: {name: \"Evil\", timeZone: \"UTC\"}) { apiKey webhookSecret } }", code="FORBIDDEN", status=(200, 403))
# cross tenant
for m in ("confirmAppointment", "resendReminder"):
    G(m + " on another tenant's appointment", "mutation($id: ID!) { %s(externalId: $id) { externalId status } }" % m, {"id": "$OTHER_TENANT_EXTERNAL_ID"}, code="NOT_FOUND")
G("cancelAppointment on another tenant's appointment", "mutation($id: ID!) { cancelAppointment(externalId: $id, reason: \"x\") { externalId status } }", {"id": "$OTHER_TENANT_EXTERNAL_ID"}, code="NOT_FOUND")
G("other tenant's key cancelling our appointment", "mutation($id: ID!) { cancelAppointment(externalId: $id) { status } }", {"id": "$OWN_EXTERNAL_ID"}, code="NOT_FOUND", auth="other-tenant")
G("revokeApiKey of another tenant's key", "mutation($id: ID!) { revokeApiKey(id: $id) }", {"id": "$OTHER_TENANT_API_KEY_ID"}, code="NOT_FOUND")
G("revokeApiKey of a nonexistent key", "mutation { revokeApiKey(id: \"does-not-exist-0000\") }", code="NOT_FOUND")
G("confirmAppointment with NUL in externalId", "mutation($id: ID!) { confirmAppointment(externalId: $id) { status } }", {"id": "$OWN_EXTERNAL_ID\u0000"}, code=["NOT_FOUND", "BAD_USER_INPUT"])
G("confirmAppointment with workflow-id injection appt:<other>:<id>", "mutation($id: ID!) { confirmAppointment(externalId: $id) { status } }", {"id": "appt:$OTHER:$OTHER_TENANT_EXTERNAL_ID"}, code=["NOT_FOUND", "BAD_USER_INPUT"])

# createAppointment
PH = "input.patient.phone"
for desc, v in [("without +", "14155550123"), ("Arabic-Indic digits", "+\u0661\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0662\u0663"),
                ("fullwidth plus", "\uff0b14155550123"), ("with NUL", "+14155550123\u0000"), ("with RTL override", "\u202e+14155550123"), ("too long", "+1415555012345678")]:
    G("createAppointment phone " + desc, CA, appt(patient_phone=v), mentions=PH)
for desc, v in [("without offset", "2031-03-14T09:30:00"), ("impossible Feb 30", "2031-02-30T10:00:00Z"), ("year 9999", "9999-12-31T23:00:00Z"),
                ("year 0001", "0001-01-01T00:00:00Z"), ("in the past", "2001-01-01T10:00:00Z"), ("'NaN'", "NaN")]:
    G("createAppointment startsAt " + desc, CA, appt(startsAt=v), code=VALIDATION, mentions="startsAt")
for desc, v in [("zero", 0), ("negative", -15), ("fractional", 1.5), ("2^31 (Int overflow)", 2147483648), ("numeric string", "30"), ("1e308", 1e308)]:
    G("createAppointment durationMinutes " + desc, CA, appt(durationMinutes=v), code=VALIDATION, mentions="durationMinutes")
G("createAppointment empty patient name", CA, appt(patient_name=""), mentions="input.patient.name")
G("createAppointment patient name with NUL", CA, appt(patient_name="Ann\u0000"), mentions="input.patient.name")
G("createAppointment patient name 1 MB", CA, appt(patient_name=gen_huge(1_000_000)), code=VALIDATION, status=(200, 400, 413))
G("createAppointment locale garbage", CA, appt(patient_locale="zz-!!-\u202e"), mentions="input.patient.locale")
G("createAppointment externalId with NUL", CA, appt(externalId="ext\u0000x"), mentions="input.externalId")
G("createAppointment externalId 200 KB", CA, appt(externalId=gen_huge(200_000)), code=VALIDATION, status=(200, 400, 413))
G("createAppointment externalId that already exists", CA, appt(externalId="$OWN_EXTERNAL_ID"), code=["ALREADY_EXISTS", "CONFLICT"])
G("createAppointment patient null", CA, appt(patient=None), code=VALIDATION)
G("createAppointment unknown input field tenantId", CA, appt(tenantId="$OTHER"), code=VALIDATION)
G("createAppointment __proto__ supplies patient phone", CA, {"input": {"startsAt": "$FUTURE_START", "patient": {"name": "A", "__proto__": {"phone": "+14155550123"}}}}, code=VALIDATION)
G("createAppointment input variable missing; supplied via variables.__proto__", CA, {"__proto__": appt()}, code=VALIDATION)
G("createAppointment input as array", CA, {"input": [appt()["input"]]}, code=VALIDATION)
G("createAppointment startsAt inline literal without offset", "mutation { createAppointment(input: {startsAt: \"2031-03-14T09:30:00\", patient: {name: \"A\", phone: \"+14155550123\"}}) { externalId } }", code=VALIDATION)

# updatePolicy
UP = "mutation($input: PolicyInput!) { updatePolicy(input: $input) { policyVersion } }"
def rem(before="P1D", channel="SMS", template="reminder_confirm"):
    return {"input": {"reminders": [{"before": before, "channel": channel, "template": template}]}}
for v in ["-P1D", "PT0S", "P-1D", "P1000Y", "1 day", "", "P", "PT", "P1D\u0000", "86400"]:
    G("updatePolicy reminder before %r" % v, UP, rem(before=v), mentions="input.reminders.0.before")
G("updatePolicy reminder channel EMAIL", UP, rem(channel="EMAIL"), code=VALIDATION)
G("updatePolicy reminder template that does not exist", UP, rem(template="no_such_template_kind"), mentions="input.reminders.0.template")
G("updatePolicy reminder template __proto__", UP, rem(template="__proto__"), mentions="input.reminders.0.template")
G("updatePolicy reminder template constructor", UP, rem(template="constructor"), mentions="input.reminders.0.template")
G("updatePolicy 100,000 reminders", UP, {"input": {"reminders": repeat(100000, {"before": "P1D", "channel": "SMS", "template": "reminder_confirm"})}}, code=VALIDATION, status=(200, 400, 413))
for s, e in [("25:00", "07:00"), ("aa:bb", "07:00"), ("21:00", "24:60"), ("9", "7"), ("21:00:00:00", "07:00"), ("", "")]:
    G("updatePolicy quietHours %r-%r" % (s, e), UP, {"input": {"quietHours": {"start": s, "end": e}}}, mentions="input.quietHours")
G("updatePolicy frequencyCap perDay negative", UP, {"input": {"frequencyCap": {"perDay": -1, "perWeek": 5}}}, mentions="input.frequencyCap")
G("updatePolicy frequencyCap perWeek negative", UP, {"input": {"frequencyCap": {"perDay": 1, "perWeek": -5}}}, mentions="input.frequencyCap")
G("updatePolicy frequencyCap perWeek below perDay", UP, {"input": {"frequencyCap": {"perDay": 5, "perWeek": 2}}}, mentions="input.frequencyCap")
G("updatePolicy frequencyCap 1e308", UP, {"input": {"frequencyCap": {"perDay": 1e308, "perWeek": 1e308}}}, code=VALIDATION)
G("updatePolicy frequencyCap as strings", UP, {"input": {"frequencyCap": {"perDay": "3", "perWeek": "10"}}}, code=VALIDATION)
for v in ["-PT1H", "P1000Y", "PT0S", "soon"]:
    G("updatePolicy confirmationDeadline %r" % v, UP, {"input": {"confirmationDeadline": v}}, mentions="input.confirmationDeadline")
for v in ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://clinic.example/reschedule", "https://", "//evil.example/x",
          "https://exa mple.com/r", "file:///etc/passwd", "https://clinic.example/\u0000", "JaVaScRiPt:alert(1)", "https://user:pass@evil.example/"]:
    G("updatePolicy rescheduleUrl %r" % v, UP, {"input": {"rescheduleUrl": v}}, mentions="input.rescheduleUrl")
G("updatePolicy rescheduleUrl 100 KB", UP, {"input": {"rescheduleUrl": concat("https://clinic.example/", "a", 100000)}}, mentions="input.rescheduleUrl")
G("updatePolicy rescheduleLinkTtl PT0S", UP, {"input": {"rescheduleLinkTtl": "PT0S"}}, mentions="input.rescheduleLinkTtl")
G("updatePolicy rescheduleLinkTtl -P1D", UP, {"input": {"rescheduleLinkTtl": "-P1D"}}, mentions="input.rescheduleLinkTtl")
G("updatePolicy attendanceWindow negative", UP, {"input": {"attendanceWindow": "-P1D"}}, mentions="input.attendanceWindow")
G("updatePolicy attendanceWindow P1000Y", UP, {"input": {"attendanceWindow": "P1000Y"}}, mentions="input.attendanceWindow")
G("updatePolicy whatsappDeliveryWindow PT0S", UP, {"input": {"whatsappDeliveryWindow": "PT0S"}}, mentions="input.whatsappDeliveryWindow")
G("updatePolicy reviewRequest after negative", UP, {"input": {"reviewRequest": {"after": "P-1D", "channel": "SMS"}}}, mentions="input.reviewRequest")
G("updatePolicy rebookMessage after garbage", UP, {"input": {"rebookMessage": {"after": "forever", "channel": "SMS"}}}, mentions="input.rebookMessage")
G("updatePolicy unknown field replyConfidenceThreshold 1.5", UP, {"input": {"replyConfidenceThreshold": 1.5}}, code=VALIDATION)
G("updatePolicy unknown field replyConfidenceThreshold -0.1", UP, {"input": {"replyConfidenceThreshold": -0.1}}, code=VALIDATION)
G("updatePolicy unknown field __proto__", UP, {"input": {"__proto__": {"reminders": []}}}, code=VALIDATION)
G("updatePolicy cancelKeyword unknown enum", UP, {"input": {"cancelKeyword": "DELETE_EVERYTHING"}}, code=VALIDATION)
G("updatePolicy input is a string", UP, {"input": "reminders: []"}, code=VALIDATION)

# updateTenant
UT = "mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { id timeZone } }"
for v in ["Mars/Olympus_Mons", "", "UTC+25:00", "../../../etc/localtime", "Europe/Madrid\u0000", "europe/madrid "]:
    G("updateTenant timeZone %r" % v, UT, {"input": {"timeZone": v}}, mentions="input.timeZone")
for v in ["", "en_US!!", "\u202een", "x" * 5000]:
    G("updateTenant defaultLocale %r" % v[:20], UT, {"input": {"defaultLocale": v}}, mentions="input.defaultLocale")
G("updateTenant name empty", UT, {"input": {"name": ""}}, mentions="input.name")
G("updateTenant name with NUL", UT, {"input": {"name": "Clinic\u0000"}}, mentions="input.name")
G("updateTenant name 1 MB", UT, {"input": {"name": gen_huge(1_000_000)}}, code=VALIDATION, status=(200, 400, 413))
G("updateTenant provider carrier-pigeon", UT, {"input": {"channels": {"provider": "carrier-pigeon"}}}, mentions="input.channels.provider")
for v in [-1, 0, 1e308]:
    G("updateTenant maxMessagesPerSecond %r" % v, UT, {"input": {"channels": {"maxMessagesPerSecond": v}}}, code=VALIDATION, mentions="maxMessagesPerSecond")
G("updateTenant twilio.from not E.164", UT, {"input": {"channels": {"twilio": {"from": "415-555-0100"}}}}, mentions="input.channels.twilio.from")
G("updateTenant twilio.whatsappFrom Arabic-Indic digits", UT, {"input": {"channels": {"twilio": {"whatsappFrom": "+\u0661\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0660\u0660"}}}}, mentions="input.channels.twilio.whatsappFrom")
G("updateTenant messagingServiceSid malformed", UT, {"input": {"channels": {"twilio": {"messagingServiceSid": "XX'; DROP TABLE tenants;--"}}}}, mentions="input.channels.twilio.messagingServiceSid")
G("updateTenant unknown field plan=enterprise", UT, {"input": {"plan": "enterprise"}}, code=VALIDATION)
G("updateTenant unknown field id pointing at other tenant", UT, {"input": {"id": "$OTHER", "name": "pwned"}}, code=VALIDATION)

# upsertTemplate
UT2 = "mutation($input: TemplateInput!) { upsertTemplate(input: $input) { id } }"
def tpl(body="Hi {{name}}", **kw):
    d = {"kind": "reminder_confirm", "locale": "en", "channel": "SMS", "body": body}
    d.update(kw)
    return {"input": d}
for v in ["{{constructor}}", "{{__proto__}}", "{{prototype}}", "{{toString}}", "{{name.constructor.constructor}}", "{{ hasOwnProperty }}",
          "{{#each patients}}{{this}}{{/each}}", "{{process.env.DATABASE_URL}}", "{{valueOf}}", "Hi {{name}} {{nmae}}"]:
    G("upsertTemplate body uses %s" % v, UT2, tpl(body="Hello " + v), mentions="input.body")
G("upsertTemplate empty body", UT2, tpl(body=""), mentions="input.body")
G("upsertTemplate body 2 MB", UT2, tpl(body=gen_huge(2_000_000)), code=VALIDATION, status=(200, 400, 413))
G("upsertTemplate locale path traversal", UT2, tpl(locale="../../etc"), mentions="input.locale")
G("upsertTemplate locale empty", UT2, tpl(locale=""), mentions="input.locale")
G("upsertTemplate kind empty", UT2, tpl(kind=""), mentions="input.kind")
G("upsertTemplate kind with NUL", UT2, tpl(kind="reminder_confirm\u0000"), mentions="input.kind")
G("upsertTemplate channel EMAIL", UT2, tpl(channel="EMAIL"), code=VALIDATION)
G("templatePreview draft with {{constructor}}", "query($input: TemplatePreviewInput!) { templatePreview(input: $input) { body } }",
  {"input": {"kind": "reminder_confirm", "body": "x {{constructor}}"}}, mentions="body")
G("createApiKey empty name", "mutation { createApiKey(name: \"\") { apiKey } }", mentions="name")
G("createApiKey 1 MB name", "mutation($n: String!) { createApiKey(name: $n) { apiKey } }", {"n": gen_huge(1_000_000)}, code=VALIDATION, status=(200, 400, 413))

# queries / limits
for f in [101, 0, -1, 1000000]:
    G("appointments first: %d" % f, "query($f: Int!) { appointments(first: $f) { totalCount } }", {"f": f}, mentions="first")
G("contacts first: 1000", "{ contacts(first: 1000) { totalCount } }", mentions="first")
G("appointments after: garbage cursor", "{ appointments(first: 5, after: \"' OR 1=1 --\") { totalCount } }", mentions="after")
G("stats with from after to", "{ stats(from: \"2031-01-02T00:00:00Z\", to: \"2031-01-01T00:00:00Z\") { appointments } }")
G("stats with from without offset", "{ stats(from: \"2031-01-01T00:00:00\", to: \"2031-02-01T00:00:00Z\") { appointments } }", code=VALIDATION)
deep = "{ __schema { types { " + "ofType { " * 30 + "name " + "} " * 30 + "} } }"
G("introspection query 33 levels deep", deep, code=["QUERY_TOO_DEEP", "GRAPHQL_VALIDATION_FAILED"], status=(400,))
deep2 = "{ __type(name: \"Query\") { " + "fields { type { " * 12 + "name " + "} } " * 12 + "} }"
G("__type fields/type chain 26 levels deep", deep2, code=["QUERY_TOO_DEEP", "GRAPHQL_VALIDATION_FAILED"], status=(400,))
costly = "{ " + " ".join("a%d: appointments(first: 100) { nodes { externalId patient { name phone } nextTouch { at kind } } }" % i for i in range(20)) + " }"
G("20 aliased pages of 100 appointments (cost ~30,000)", costly, code="QUERY_TOO_COMPLEX", status=(400,))
aliases = "{ " + " ".join("m%d: me { templates { body } apiKeys { id } }" % i for i in range(5000)) + " }"
G("5,000 aliases of me", aliases, code=["QUERY_TOO_COMPLEX", "GRAPHQL_VALIDATION_FAILED"], status=(400, 413))
G("fragment cycle", "query { me { ...A } } fragment A on Tenant { ...B } fragment B on Tenant { ...A }", code="GRAPHQL_VALIDATION_FAILED", status=(400,))
G("5,000 repeated @skip directives", {"$generate": "concat", "prefix": "{ me ", "unit": "@skip(if: false) ", "count": 5000, "suffix": "{ id } }"},
  code=["GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX", "BAD_REQUEST"], status=(400, 413))
G("5 MB query document (comment padding)", {"$generate": "concat", "prefix": "#", "unit": "x", "count": 5_000_000, "suffix": "\n{ me { id } }"},
  code=None, status=(400, 413))
G("unterminated document", "{ me { id ", code=["GRAPHQL_PARSE_FAILED"], status=(400,))
G("10,000 nested selection braces (parser depth bomb)", {"$generate": "concat", "prefix": "", "unit": "{", "count": 10000, "suffix": ""},
  code=["GRAPHQL_PARSE_FAILED", "QUERY_TOO_DEEP"], status=(400, 413))
G("subscription operation (none in schema)", "subscription { me { id } }", code=["GRAPHQL_VALIDATION_FAILED"], status=(400,))
G("operationName not in document", "query A { me { id } }", code=None, status=(400,), operationName_="B")
G("query field is a number", 12345, code=None, status=(400,))
G("variables with 10,000-deep nested arrays", "query($f: Int!) { appointments(first: $f) { totalCount } }", {"f": 5, "x": deep_array(10000)}, code=None, status=(400, 413))
G("variables is a string", CA, "{\"input\":{}}", code=None, status=(400,))
G("ID variable given an object", "mutation($id: ID!) { confirmAppointment(externalId: $id) { status } }", {"id": {"$ne": None}}, code="BAD_USER_INPUT", status=(400,))
G("ID! variable null", "mutation($id: ID!) { confirmAppointment(externalId: $id) { status } }", {"id": None}, code="BAD_USER_INPUT", status=(400,))
G("unknown mutation field", "mutation { deleteTenant(id: \"x\") }", code="GRAPHQL_VALIDATION_FAILED", status=(400,))

# transport-level
gql_transport = [
    ("batched array of 1,000 createApiKey mutations", {"$generate": "repeat", "count": 1000, "value": {"query": "mutation { createApiKey(name: \"batch\") { apiKey } }"}}, {}, (400, 413)),
    ("malformed JSON body", {"$raw": "{\"query\": \"{ me { id } }\""}, {}, (400,)),
    ("empty body", {"$raw": ""}, {}, (400, 415)),
    ("mutation sent as text/plain (CSRF simple request)", {"$raw": json.dumps({"query": "mutation { createApiKey(name: \"csrf\") { apiKey } }"})}, {"content-type": "text/plain"}, (400, 415)),
    ("mutation sent form-urlencoded (CSRF)", {"$raw": "query=mutation%20%7B%20createApiKey(name%3A%20%22csrf%22)%20%7B%20apiKey%20%7D%20%7D"}, {"content-type": "application/x-www-form-urlencoded"}, (400, 415)),
    ("invalid UTF-8 in query string", {"$base64": b64(b'{"query":"mutation { createApiKey(name: \\"a\xff\xfe\\") { apiKey } }"}')}, {}, (400,)),
]
for desc, body, headers, st in gql_transport:
    r = {"tenant": "own", "auth": "own", "body": body}
    if headers:
        r["headers"] = headers
    gql.append({"id": "graphql-%03d" % (len(gql) + 1), "description": desc, "request": r, "expect": {"status": list(st)}})

# operationName hack: move operationName_ into body
for c in gql:
    if "operationName_" in c["request"]:
        c["request"]["body"]["operationName"] = c["request"].pop("operationName_")
    if "tenant" in c["request"]:
        del c["request"]["tenant"]  # graphql has no tenant in the path

# ---------------------------------------------------------------- cli
cli = []
def C(desc, argv, env=None, mentions=None):
    r = {"argv": argv}
    if env:
        r["env"] = env
    e = {"exit": "nonzero"}
    if mentions:
        e["mentions"] = mentions
    cli.append({"id": "cli-%03d" % (len(cli) + 1), "description": desc, "request": r, "expect": e})
C("tenant create with unknown time zone", ["tenant", "create", "--name", "Hostile Clinic", "--timezone", "Mars/Olympus_Mons", "--json"], mentions="time")
C("tenant create without --name", ["tenant", "create", "--timezone", "Europe/Madrid", "--json"], mentions="name")
C("tenant create with empty name", ["tenant", "create", "--name", "", "--timezone", "Europe/Madrid", "--json"], mentions="name")
C("tenant create with empty time zone", ["tenant", "create", "--name", "Hostile Clinic", "--timezone", "", "--json"], mentions="time")
C("tenant create with offset instead of IANA zone", ["tenant", "create", "--name", "Hostile Clinic", "--timezone", "UTC+25:00", "--json"], mentions="time")
C("tenant create with path traversal time zone", ["tenant", "create", "--name", "Hostile Clinic", "--timezone", "../../../etc/localtime", "--json"], mentions="time")
C("tenant plan with unknown plan", ["tenant", "plan", "--id", "$OWN", "--plan", "platinum"], mentions="plan")
C("tenant plan for unknown tenant", ["tenant", "plan", "--id", "$UNKNOWN", "--plan", "business"])
C("tenant twilio with malformed account SID", ["tenant", "twilio", "--id", "$OWN", "--account-sid", "not-a-sid", "--messaging-service-sid", "MG" + "0" * 32],
  env={"TWILIO_AUTH_TOKEN": "0" * 32}, mentions="account")
C("tenant twilio with non-E.164 --from", ["tenant", "twilio", "--id", "$OWN", "--account-sid", "AC" + "0" * 32, "--from", "415-555-0100"],
  env={"TWILIO_AUTH_TOKEN": "0" * 32}, mentions="from")
C("tenant twilio with negative rate", ["tenant", "twilio", "--id", "$OWN", "--account-sid", "AC" + "0" * 32, "--messaging-service-sid", "MG" + "0" * 32, "--rate", "-5"],
  env={"TWILIO_AUTH_TOKEN": "0" * 32}, mentions="rate")
C("tenant twilio without TWILIO_AUTH_TOKEN in the environment", ["tenant", "twilio", "--id", "$OWN", "--account-sid", "AC" + "0" * 32, "--messaging-service-sid", "MG" + "0" * 32],
  env={"TWILIO_AUTH_TOKEN": None}, mentions="TWILIO_AUTH_TOKEN")
C("tenant whatsapp-template mapping to prototype keys", ["tenant", "whatsapp-template", "--id", "$OWN", "--kind", "reminder_confirm", "--locale", "en",
  "--content-sid", "HX" + "0" * 32, "--variables", "1=__proto__,2=constructor"], mentions="variable")
C("unknown subcommand", ["tenant", "destroy", "--id", "$OWN"])

files = {"booking.json": booking, "twilio.json": twilio, "dev-inbound.json": dev, "graphql.json": gql, "cli.json": cli}
ids = set()
for name, cases in files.items():
    for c in cases:
        assert c["id"] not in ids, c["id"]
        ids.add(c["id"])
        st = c["expect"].get("status")
        if st:
            assert all(400 <= s < 500 for s in st) or c["expect"].get("graphqlError"), c
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(cases, f, indent=1, ensure_ascii=True)
    print(name, len(cases))
print("total", sum(len(v) for v in files.values()))

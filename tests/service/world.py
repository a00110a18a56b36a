"""A realistic ward built through POST /v1/commands, shared by the load benchmark
(bench/service_load.py), the fault tests and the two-process PostgreSQL test.

Ids are deterministic on an empty store (the directory is built in this order):
    units    HN 1 (tinh), LB 2 (huyen), BD 3 (xa, code "bode"), GL 4 (xa, code "giathuy")
    agency   AGENCY 1 (in BD)
    people   OFFICE 1, PARTY_HEAD 2, GOV_HEAD 3, OFFICER 4 (agency head), CITIZEN 5 (resident,
             no consent), OFFICE_GL 6
Keys (plain text; config objects for make_service / build_config):
    BOOT_KEY  all units, system, events, may_assert_actor
    WARD_KEY  units [BD], actor OFFICE, may_assert_actor (so it can act as the officer too)
"""
import http.client
import json

HN, LB, BD, GL = 1, 2, 3, 4
AGENCY = 1
OFFICE, PARTY_HEAD, GOV_HEAD, OFFICER, CITIZEN, OFFICE_GL = 1, 2, 3, 4, 5, 6
BOOT_KEY = "world-boot-key"
WARD_KEY = "world-ward-key"
FAST = {"rate_per_second": 1e6, "burst": 1e6}
KEYS = [
    dict(name="boot", key=BOOT_KEY, system=True, all_units=True, may_assert_actor=True, events=True, **FAST),
    dict(name="ward", key=WARD_KEY, units=[BD], actor=OFFICE, may_assert_actor=True, events=True, **FAST),
]
TOPICS = ["land", "urban_order", "environment", "social_policy", "infrastructure"]
# Texts with personal data the public views must redact (a name after an honorific, a phone).
TEXTS = [
    "Ông Nguyễn Văn Bí Mật phản ánh lấn chiếm vỉa hè ngõ {n} phố Bồ Đề, điện thoại 0912345678",
    "Đề nghị sửa đèn chiếu sáng ngõ {n} đường Nguyễn Văn Cừ",
    "Bà Trần Thị Kín hỏi về cấp giấy chứng nhận quyền sử dụng đất thửa số {n}",
    "Rác thải tồn đọng tại điểm tập kết số {n}, đề nghị thu gom đúng giờ",
    "Kiến nghị hỗ trợ hộ nghèo tổ dân phố số {n}",
]
UNPUBLISHED_MARK = "Nội bộ chưa công bố"


class Client:
    """POST /v1/commands over one keep-alive connection (reconnects after a close)."""

    def __init__(self, host, port, key, timeout=30):
        self.host, self.port, self.key, self.timeout = host, port, key, timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        h = {"X-Api-Key": self.key}
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=h)
                r = self.conn.getresponse()
                payload = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, payload
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def cmd(self, command, actor=None, key=None, expect=(200, 201)):
        body = {"command": command}
        if actor is not None:
            body["actor"] = actor
        headers = {"Idempotency-Key": key} if key else None
        status, payload = self.request("POST", "/v1/commands", body, headers)
        if expect and status not in expect:
            raise AssertionError(f"{command['type']}: {status} {payload[:300]!r}")
        return json.loads(payload)

    def get(self, path):
        status, payload = self.request("GET", path)
        return status, payload

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def build_directory(c):
    """The units, agency, people and roles (c: a Client with BOOT_KEY)."""
    c.cmd({"type": "create_unit", "name": "Thành phố Hà Nội", "level": "tinh", "code": "hanoi"}, actor="system")
    c.cmd({"type": "create_unit", "name": "Quận Long Biên", "level": "huyen", "parent": HN, "code": "longbien"},
          actor="system")
    c.cmd({"type": "create_unit", "name": "Phường Bồ Đề", "level": "xa", "parent": LB, "code": "bode"}, actor="system")
    c.cmd({"type": "create_unit", "name": "Phường Gia Thụy", "level": "xa", "parent": LB, "code": "giathuy"},
          actor="system")
    c.cmd({"type": "create_agency", "unit": BD, "name": "Bộ phận Địa chính - Xây dựng"}, actor="system")
    for name, role, unit, extra in [("Văn phòng Bồ Đề", "office", BD, {}), ("Bí thư Đảng ủy", "party_head", BD, {}),
                                    ("Chủ tịch UBND", "government_head", BD, {}),
                                    ("Trưởng bộ phận Địa chính", "agency_head", BD, {"agency": AGENCY}),
                                    ("Nguyễn Văn Bí Mật", "resident", BD, {}),
                                    ("Văn phòng Gia Thụy", "office", GL, {})]:
        p = c.cmd({"type": "register_person", "name": name}, actor="system")["id"]
        c.cmd(dict({"type": "grant_role", "person": p, "role": role, "unit": unit}, **extra), actor="system")


def submit(c, n, first=0, per_opinion=5, key=None):
    """One letter of `per_opinion` items raised by CITIZEN in BD; returns the item ids."""
    items = [{"topic": TOPICS[(first + i) % len(TOPICS)], "text": TEXTS[(first + i) % len(TEXTS)].format(n=first + i)}
             for i in range(per_opinion)]
    r = c.cmd({"type": "submit_opinion", "unit": BD, "channel": "letter", "raised_by": CITIZEN, "items": items},
              key=key)
    return r["items"]


def settle(c, item, publish=True):
    """Assign, reply, deliver to the four recipients and (optionally) publish one item."""
    c.cmd({"type": "assign", "item": item, "agency": AGENCY})
    c.cmd({"type": "write_reply", "item": item, "number": f"{item}/UBND-ĐC", "signer": OFFICER,
           "text": "Đã kiểm tra hiện trường và xử lý theo quy định."}, actor=OFFICER)
    for who in ("party_head", "government_head", "front_chair", "raiser"):
        c.cmd({"type": "record_delivery", "item": item, "recipient": who})
    if publish:
        c.cmd({"type": "publish_reply", "item": item})


def populate(host, port, items=2000, progress=None):
    """The directory and `items` items in BD (ids 1..items): 1 in 2 replied and published,
    1 in 4 assigned only, the rest just raised; plus one unpublished item whose text carries
    UNPUBLISHED_MARK (a replied but unpublished one). Returns {"items": [...], "published": [...],
    "unpublished": id}."""
    boot = Client(host, port, BOOT_KEY)
    ward = Client(host, port, WARD_KEY)
    build_directory(boot)
    ids = []
    while len(ids) < items:
        ids += submit(ward, len(ids), first=len(ids), per_opinion=min(5, items - len(ids)))
    published = []
    for k, item in enumerate(ids):
        if k % 2 == 0:
            settle(ward, item)
            published.append(item)
        elif k % 4 == 1:
            ward.cmd({"type": "assign", "item": item, "agency": AGENCY})
        if progress and k % 500 == 0:
            progress(k)
    secret = ward.cmd({"type": "submit_opinion", "unit": BD, "channel": "letter", "raised_by": CITIZEN,
                       "items": [{"topic": "land", "text": UNPUBLISHED_MARK + ": hồ sơ ông Lê Văn Ẩn"}]})["items"][0]
    settle(ward, secret, publish=False)
    boot.close()
    ward.close()
    return {"items": ids, "published": published, "unpublished": secret}

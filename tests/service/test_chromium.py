"""The pages doithoaid serves without a key, loaded from the live service by headless Chromium
(issue 13): the printable report GET /v1/public/units/{id}/report.html renders (its charts are
in the DOM, a screenshot is drawn), its Vietnamese text arrives intact, and neither it nor the
public feed (JSON; the service has no HTML form of it) shows unpublished or personal data.
Chromium must be installed (scripts/setup.sh): its absence is a failure, not a skip.
"""
import shutil
import subprocess

import world

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(tmp_path, name, *args):
    exe = shutil.which("chromium")
    assert exe, "chromium is not installed (scripts/setup.sh installs it)"
    r = subprocess.run(["timeout", "120", exe] + FLAGS + ["--user-data-dir=%s" % (tmp_path / ("profile-" + name))]
                       + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]
    return r.stdout.decode("utf-8")


def test_public_pages_render_in_chromium_without_unpublished_data(make_service, tmp_path):
    svc = make_service(engine={"store": ":memory:"}, keys=world.KEYS, default_keys=False, access_log="")
    w = world.populate(svc.host, svc.port, items=12)
    year = svc.get("/v1/units/3/accounting", key=world.WARD_KEY).json()["as_of"][:4]
    url = svc.url + "/v1/public/units/3/report.html?period=" + year
    dom = chromium(tmp_path, "report", "--dump-dom", url)
    assert "<svg" in dom and "</html>" in dom, dom[:500]
    assert "Phường Bồ Đề" in dom  # the unit's name, UTF-8 through HTTP and the browser
    assert "Ã" not in dom and "\ufffd" not in dom  # no mojibake, no replacement characters
    # Aggregates only: no item text, no person, nothing unpublished.
    for secret in ["Nguyễn Văn Bí Mật", "0912345678", "Trần Thị Kín", world.UNPUBLISHED_MARK, "Lê Văn Ẩn",
                   "Trưởng bộ phận Địa chính"]:
        assert secret not in dom, secret
    png = tmp_path / "report.png"
    chromium(tmp_path, "shot", "--window-size=1100,2200", "--hide-scrollbars", "--screenshot=%s" % png, url)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000, len(data)

    feed = chromium(tmp_path, "feed", "--dump-dom", svc.url + "/v1/public/feed?unit=3&limit=1000")
    # The published replies are there, in Vietnamese, redacted; the unpublished item is not.
    assert "Đã kiểm tra hiện trường và xử lý theo quy định." in feed
    assert "Người dân (ẩn danh)" in feed
    assert feed.count('"id":') >= len(w["published"])
    for secret in ["Nguyễn Văn Bí Mật", "0912345678", "Trần Thị Kín", world.UNPUBLISHED_MARK, "Lê Văn Ẩn"]:
        assert secret not in feed, secret


def test_public_feed_follows_each_commit(make_service):
    # The feed is served from a cache tagged with the engine's last sequence: a publication (or
    # any commit) must show at once, however warm the cache.
    svc = make_service(engine={"store": ":memory:"}, keys=world.KEYS, default_keys=False, access_log="")
    world.build_directory(world.Client(svc.host, svc.port, world.BOOT_KEY))
    ward = world.Client(svc.host, svc.port, world.WARD_KEY)
    items = world.submit(ward, 0, per_opinion=3)
    for item in items:
        world.settle(ward, item, publish=False)
    feed = lambda q="": sorted(i["id"] for i in svc.get("/v1/public/feed?unit=3" + q).json()["items"])
    for _ in range(3):
        assert feed() == [] and feed("&limit=2") == []
    for k, item in enumerate(items):
        ward.cmd({"type": "publish_reply", "item": item})
        for _ in range(3):
            assert feed() == sorted(items[:k + 1])
            assert len(feed("&limit=2")) == min(2, k + 1)

<?php
// Issues 14 and 15 through the typed methods: satisfaction ratings and the supervision list
// (R10, R14), tracking codes (R13), places on opinions with the place queries (R04),
// evidence attachments with the attachment store (R10, R13, R20), anonymous opinions and
// withheld names (R04), and the notification outbox. Hostile input to each (wrong PHP
// types, lat 91, NAN, INF, bad dates, unknown ids): a clear exception with the stable code,
// and nothing changed.

declare(strict_types=1);

require __DIR__ . '/support.php';

use Doithoai\Attachment;
use Doithoai\Engine;
use Doithoai\InvalidArgumentException as Invalid;
use Doithoai\InvalidTransitionException;
use Doithoai\NotFoundException;
use Doithoai\PermissionDeniedException;
use Doithoai\Place;
use Doithoai\UnsupportedException;

const LAT = 21.0405;
const LON = 105.8747;
$S = Engine::SYSTEM;
$dir = temp_dir();
$profile = json_decode((string) file_get_contents(__DIR__ . '/../../../profiles/hanoi-2200.json'), true, 512, JSON_THROW_ON_ERROR);
$profile['outbox'] = ['reply_due_days' => 3];
$e = new Engine(':memory:', $profile, clock: at(2022, 9, 1), options: ['attachments' => "$dir/att"]);
$ward = $e->createUnit($S, 'Phường Bồ Đề', 'xa', code: 'BD');
$agency = $e->createAgency($S, $ward, 'Bộ phận Địa chính');
$person = static function (string $name, string $role, ?int $agency = null) use ($e, $S, $ward): int {
    $p = $e->registerPerson($S, $name);
    $e->grantRole($S, $p, $role, $ward, $agency);
    return $p;
};
$office = $person('Văn phòng', 'office');
$resident = $person('Ông A', 'resident');
$front = $person('Chủ tịch MTTQ', 'front_chair');
$officer = $person('Trưởng bộ phận Địa chính', 'agency_head', $agency);
$person('Bí thư', 'party_head');
$person('Chủ tịch UBND', 'government_head');
$unchanged = static function (callable $fn, string $class, int $code, string $what) use ($e): void {
    $seq = $e->lastSeq();
    throws($class, $code, $fn, $what);
    check($e->lastSeq() === $seq, "$what: nothing changed");
};
$typeError = static fn (callable $fn, string $what) => throws(TypeError::class, null, $fn, $what);

// ---- Places (R04): on submit_opinion, item_place, items_near, items_in_box ----
$a = $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'Lấn chiếm vỉa hè ngõ 30']], raisedBy: $resident,
    place: new Place(LAT, LON, 'Ngõ 30 Bồ Đề'))->items[0];
$b = $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'Ngập úng']], raisedBy: $resident,
    place: ['lat' => LAT + 0.001, 'long' => LON])->items[0];
$none = $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'Không có địa điểm']], raisedBy: $resident)->items[0];
check($e->itemPlace($a) == new Place(LAT, LON, 'Ngõ 30 Bồ Đề') && $e->itemPlace($none) === null, 'item places');
$near = $e->itemsNear(LAT, LON, 200);
check(array_column($near, 'item') === [$a, $b] && abs($near[1]['distance_m'] - 111.2) < 0.5, 'items near, nearest first');
check($near[0]['place'] === ['address' => 'Ngõ 30 Bồ Đề', 'lat' => LAT, 'long' => LON] || $near[0]['place']['address'] === 'Ngõ 30 Bồ Đề');
check(array_column($e->itemsNear(LAT, LON, 1000, unit: $ward, limit: 1), 'item') === [$a], 'unit and limit');
check($e->itemsNear(LAT, LON, 1000, status: 'assigned') === [], 'status filter');
check(array_column($e->itemsInBox(21, 105, 22, 106), 'item') === [$a, $b], 'items in a box');
$e->setClock(at(2022, 9, 5));
$c = $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'Sau']], raisedBy: $resident, place: new Place(LAT, LON))->items[0];
check(array_column($e->itemsNear(LAT, LON, 10, asOf: day(2022, 9, 1)), 'item') === [$a], 'items near as of a past day');
check(count($e->itemsNear(LAT, LON, 10)) === 2 && $e->itemPlace($c)->address === '');
$opinion = static fn (array $more) => fn () => $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'x']],
    ...(['raisedBy' => $resident] + $more));
$unchanged($opinion(['place' => new Place(91, LON)]), Invalid::class, 4, 'lat 91');
$unchanged($opinion(['place' => new Place(LAT, -180.5)]), Invalid::class, 4, 'long -180.5');
$unchanged($opinion(['place' => new Place(NAN, LON)]), Invalid::class, 4, 'lat NAN');
$unchanged($opinion(['place' => new Place(LAT, INF)]), Invalid::class, 4, 'long INF');
$unchanged($opinion(['place' => ['lat' => LAT]]), Invalid::class, 4, 'a place without long');
$unchanged($opinion(['place' => ['lat' => '21', 'long' => LON]]), Invalid::class, 4, 'a string lat in an array');
$unchanged($opinion(['place' => [LAT, LON]]), Invalid::class, 4, 'a place as a list');
$unchanged($opinion(['place' => new Place(LAT, LON, str_repeat('a', 513))]), Invalid::class, 4, 'an address over 512 bytes');
$unchanged($opinion(['place' => new Place(LAT, LON, "Ng\xf5")]), Invalid::class, 4, 'an address of invalid UTF-8');
$typeError(fn () => new Place('21', LON), 'a string lat');
$typeError(fn () => $e->submitOpinion($office, $ward, 'letter', [], raisedBy: $resident, place: '21,105'), 'a place as a string');
foreach (['radius 0' => fn () => $e->itemsNear(LAT, LON, 0), 'radius NAN' => fn () => $e->itemsNear(LAT, LON, NAN),
          'lat 91' => fn () => $e->itemsNear(91, LON, 10), 'limit 0' => fn () => $e->itemsNear(LAT, LON, 10, limit: 0),
          'a south north of the north' => fn () => $e->itemsInBox(10, 0, 5, 1),
          'a date after 2199' => fn () => $e->itemsNear(LAT, LON, 10, asOf: day(2200, 1, 1))] as $what => $fn) {
    throws(Invalid::class, 4, $fn, "items near: $what");
}
throws(NotFoundException::class, 1, fn () => $e->itemsNear(LAT, LON, 10, unit: 999), 'items near an unknown unit');
throws(NotFoundException::class, 1, fn () => $e->itemPlace(999), 'the place of an unknown item');
$typeError(fn () => $e->itemsNear('21', LON, 10), 'a string lat in a query');

// ---- Items with their own place, and place_item (R04) ----
$market = new Place(21.0505, 105.8847);
$two = $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'Chợ bẩn', 'place' => $market],
    ['topic' => 'land', 'text' => 'Ngõ 30']], raisedBy: $resident, place: new Place(LAT, LON))->items;
check($e->itemPlace($two[0]) == $market && $e->itemPlace($two[1]) == new Place(LAT, LON), "an item's own place overrides the opinion's");
$e->placeItem($office, $two[1], $market);
check($e->itemPlace($two[1]) == $market, 'place_item moves the item');
check(array_column($e->itemsNear(21.0505, 105.8847, 10), 'item') === [$two[0], $two[1]], 'both near the market');
$unchanged(fn () => $e->placeItem($office, $two[1], new Place(LAT, NAN)), Invalid::class, 4, 'place_item with NAN');
$unchanged(fn () => $e->placeItem($office, 999999, $market), NotFoundException::class, 1, 'place_item of an unknown item');
$unchanged(fn () => $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'x', 'place' => new Place(91, LON)]],
    raisedBy: $resident), Invalid::class, 4, "an item's place at lat 91");
$typeError(fn () => $e->placeItem($office, $two[1], '21,105'), 'place_item with a string place');

// ---- Tracking codes (issue 14) and anonymous opinions, withheld names (R04) ----
$op = $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'Xin giữ kín tên']], raisedBy: $resident,
    withholdName: true);
$code = $e->trackingCode($op->id);
check(preg_match('/^BD-2022-\d+$/', $code) === 1, "a tracking code: $code");
$t = $e->track($code);
check($t['schema'] === 'doithoai.tracking/1' && $t['opinion'] === $op->id && $t['items'][0]['id'] === $op->items[0], 'track');
check(!str_contains(json_encode($t, JSON_UNESCAPED_UNICODE), 'Ông A') && $e->entity('opinion', $op->id)['name_withheld'] === true, 'the name is withheld');
check($e->track($code, day(2022, 9, 5))['items'][0]['status'] === 'open', 'track as of a day');
throws(NotFoundException::class, 1, fn () => $e->track($code, day(2022, 9, 1)), 'track before the opinion existed');
throws(NotFoundException::class, 1, fn () => $e->track('BD-2022-999999'), 'an unknown code');
throws(Invalid::class, 4, fn () => $e->track('not a code'), 'a malformed code');
throws(Invalid::class, 4, fn () => $e->track("BD-2022-1\0"), 'a NUL in a code');
throws(NotFoundException::class, 1, fn () => $e->trackingCode(999), 'the code of an unknown opinion');
$anon = $e->submitOpinion($office, $ward, 'mailbox', [['topic' => 'land', 'text' => 'Thư không ký tên']]);
check($e->entity('opinion', $anon->id)['anonymous'] === true, 'an anonymous mailbox letter');
check($e->track($e->trackingCode($anon->id))['opinion'] === $anon->id);
$unchanged(fn () => $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'x']]), Invalid::class, 4,
    'an anonymous letter (not an anonymous channel)');
$typeError(fn () => $e->submitOpinion($office, $ward, 'letter', [], raisedBy: $resident, withholdName: 'yes'), 'withholdName as a string');

// ---- Evidence attachments (R10, R13, R14, R20) ----
$jpeg = "\xff\xd8\xff\xe0 ảnh vỉa hè sau xử lý";
$sha = $e->putAttachment($jpeg);
check($sha === hash('sha256', $jpeg) && $e->putAttachment($jpeg) === $sha, 'put returns the SHA-256; again is a no-op');
$photo = Attachment::of('vỉa hè.jpg', 'image/jpeg', $jpeg, true);
$pdf = "%PDF-1.4 hồ sơ";
$e->putAttachment($pdf);
$private = Attachment::of('hồ sơ.pdf', 'application/pdf', $pdf);
$withPhoto = $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'Kèm ảnh']], raisedBy: $resident,
    attachments: [$photo]);
check(Attachment::fromJson($e->entity('opinion', $withPhoto->id)['attachments'][0]) == $photo, 'an opinion with evidence');
$e->assign($office, $a, $agency);
$reply = static fn (array $more) => fn () => $e->writeReply($officer, $a, '1/TL-UBND', $officer, 'Đã xử lý', ...$more);
$unchanged($reply(['attachments' => [new Attachment('x.jpg', 'image/jpeg', 3, str_repeat('0', 64))]]), NotFoundException::class, 1,
    'an attachment whose bytes are not in the store');
$unchanged($reply(['attachments' => [Attachment::of('x.exe', 'application/x-msdownload', $jpeg)]]), Invalid::class, 4, 'a media type the profile refuses');
$unchanged($reply(['attachments' => [new Attachment('x.jpg', 'image/jpeg', -1, $sha)]]), Invalid::class, 4, 'a negative size');
$unchanged($reply(['attachments' => [new Attachment('', 'image/jpeg', strlen($jpeg), $sha)]]), Invalid::class, 4, 'an empty name');
$unchanged($reply(['attachments' => [new Attachment('x.jpg', 'image/jpeg', strlen($jpeg), 'XYZ')]]), Invalid::class, 4, 'a malformed hash');
$typeError($reply(['attachments' => ['photo.jpg']]), 'an attachment that is a string');
$e->writeReply($officer, $a, '1/TL-UBND', $officer, 'Đã xử lý', attachments: [$photo, $private]);
check(count($e->item($a)['reply']['attachments']) === 2, 'a reply with evidence');
foreach (['party_head', 'government_head', 'front_chair', 'raiser'] as $r) {
    $e->recordDelivery($office, $a, $r);
}
throws(NotFoundException::class, 1, fn () => $e->publicAttachment($sha), 'not public before the reply is published (R13)');
$e->execute(['actor' => $office, 'command' => ['type' => 'publish_reply', 'item' => $a]]);
check($e->publicAttachment($sha) === $jpeg, 'the bytes of a public attachment, binary-safe');
throws(NotFoundException::class, 1, fn () => $e->publicAttachment(hash('sha256', $pdf)), 'a private attachment stays private');
throws(Invalid::class, 4, fn () => $e->publicAttachment('nope'), 'a malformed hash');
throws(Invalid::class, 4, fn () => $e->putAttachment(''), 'no bytes');
$report = $e->verifyAttachments();
check($report['ok'] === true && $report['references'] === 3 && $report['problems'] === [], 'verify_attachments');
$plain = new Engine();
throws(UnsupportedException::class, 8, fn () => $plain->putAttachment('x'), 'no attachment store');
throws(UnsupportedException::class, 8, fn () => $plain->verifyAttachments(), 'verify without a store');

// ---- Satisfaction (R10) and the supervision list (R14) ----
$unchanged(fn () => $e->recordSatisfaction($office, $a, 'satisfied'), PermissionDeniedException::class, 2, 'the office rates');
$unchanged(fn () => $e->recordSatisfaction($resident, $a, 'not_satisfied'), Invalid::class, 4, 'no comment');
$unchanged(fn () => $e->recordSatisfaction($resident, $a, 'very'), Invalid::class, 4, 'an unknown rating');
$unchanged(fn () => $e->recordSatisfaction($resident, $a, 'satisfied', on: day(2200, 1, 1)), Invalid::class, 4, 'a date after 2199');
$unchanged(fn () => $e->recordSatisfaction($resident, 999, 'satisfied'), NotFoundException::class, 1, 'an unknown item');
$unchanged(fn () => $e->recordSatisfaction($resident, $b, 'satisfied'), InvalidTransitionException::class, 3, 'an item without a reply');
$typeError(fn () => $e->recordSatisfaction($resident, $a, 3), 'a rating that is an int');
check($e->satisfaction($a) === null, 'not rated yet');
$e->setClock(at(2022, 9, 8));
$e->recordSatisfaction($resident, $a, 'not_satisfied', 'Vỉa hè vẫn bị lấn chiếm');
$s = $e->satisfaction($a);
check($s['rating'] === 'not_satisfied' && $s['awaiting_front'] === true && $s['on'] === '2022-09-08', 'the rating');
check(array_column($e->supervisionList(day(2022, 9, 8), $ward), 'item') === [$a], 'on the supervision list');
check($e->supervisionList(day(2022, 9, 7)) === [], 'not yet on the list the day before');
throws(Invalid::class, 4, fn () => $e->supervisionList(day(1899, 12, 31)), 'a date before 1900');
throws(NotFoundException::class, 1, fn () => $e->supervisionList(day(2022, 9, 8), 999), 'an unknown unit');
$e->setClock(at(2022, 9, 9));
$e->recordFinding($front, $a, 'Đã làm việc với người dân', false, attachments: [$photo]);
check($e->supervisionList(day(2022, 9, 9)) === [] && count($e->supervisionList(day(2022, 9, 8))) === 1, 'the finding ends it; the past stays');
check($e->item($a)['findings'][0]['attachments'][0]['sha256'] === $sha, 'a finding with evidence');

// ---- The notification outbox (issue 15) ----
$pending = $e->outbox(status: 'pending');
check(count($pending) > 0 && $pending[0]['status'] === 'pending', 'pending notices');
$got = $e->outboxFetch(2, 30);
check(count($got) === 2 && array_diff(array_column($got, 'id'), array_column($e->outboxFetch(100), 'id')) === array_column($got, 'id'), 'leased notices are not fetched twice');
$r = $e->outboxAck($got[0]['id'], 'delivered', '250 OK');
check($r->firstSeq > 0 && $e->outboxAck($got[0]['id'], 'delivered')->firstSeq === 0, 'ack; again records nothing');
$e->acknowledgeNotice($S, $got[1]['id'], 'failed', 'bounce');
check(array_column($e->outbox(status: 'failed'), 'id') === [$got[1]['id']], 'a failed attempt');
$counts = $e->outboxCounts(day(2022, 9, 9), $ward);
check($counts['delivered'] === 1 && $counts['failed_attempts'] === 1 && $counts['issued'] === $counts['delivered'] + $counts['pending']);
check($e->outboxCounts(day(2022, 9, 1))['issued'] === 0, 'counts as of a past day');
$e->setClock(at(2022, 9, 28));
check($e->issueReminders($S)->firstSeq > 0 && $e->issueReminders($S, day(2022, 9, 28))->firstSeq === 0, 'reminders once a day');
check(in_array('reply_due_reminder', array_column($e->outbox(), 'kind'), true), 'a reply-due reminder');
check(count($e->outbox(limit: 1)) === 1 && $e->outbox(after: PHP_INT_MAX >> 32) === [], 'limit and after');
foreach (['limit 0' => fn () => $e->outboxFetch(0), 'limit 1001' => fn () => $e->outboxFetch(1001),
          'lease 0' => fn () => $e->outboxFetch(1, 0), 'outcome maybe' => fn () => $e->outboxAck($got[1]['id'], 'maybe'),
          'status unknown' => fn () => $e->outbox(status: 'lost'), 'reminders limit 0' => fn () => $e->issueReminders($S, limit: 0),
          'ack outcome maybe' => fn () => $e->acknowledgeNotice($S, $got[1]['id'], 'maybe'),
          'counts in 2200' => fn () => $e->outboxCounts(day(2200, 1, 1))] as $what => $fn) {
    $unchanged($fn, Invalid::class, 4, "outbox: $what");
}
$unchanged(fn () => $e->outboxAck(99999, 'delivered'), NotFoundException::class, 1, 'ack an unknown notice');
$unchanged(fn () => $e->acknowledgeNotice($resident, $got[1]['id'], 'delivered'), PermissionDeniedException::class, 2, 'a resident acknowledges');
$typeError(fn () => $e->outboxFetch('10'), 'a string limit');
check($plain->issueReminders($S)->firstSeq === 0 && $plain->outbox() === [], 'without an outbox profile: no notices');
finish();

<?php
// Doithoai\Engine end to end: the Bồ Đề ward conference of 30/9/2022 (the request sequence of
// tests/c/c_abi_test.c) through the typed methods on a SQLite file, with deadlines, standing,
// overdue lists, accounting as of past days, the report, exports and history; event polling
// (every event once, in order); bulk imports; the file closed and reopened (persistence); two
// engines on one file at once; a read-only engine; a JSON Lines log imported, and tampered.

declare(strict_types=1);

require __DIR__ . '/support.php';

use Doithoai\Engine;

$dir = temp_dir();
$db = "$dir/bode.db";
$S = Engine::SYSTEM;

$e = new Engine($db, 'hanoi-2200', clock: at(2022, 8, 15));
$feed = $e->eventFeed();
check($feed->position() === 0 && $feed->poll() === [], 'a new store has no events');

// ---- Directory (R01, R19) ----
$hanoi = $e->createUnit($S, 'Thành phố Hà Nội', 'tinh', code: 'HN');
$longbien = $e->createUnit($S, 'Quận Long Biên', 'huyen', $hanoi, 'HN-LB');
$bode = $e->createUnit($S, 'Phường Bồ Đề', 'xa', $longbien, 'HN-LB-BD');
check($hanoi > 0 && $longbien > $hanoi && $bode > $longbien);
$land = $e->createAgency($S, $bode, 'Bộ phận Địa chính - Xây dựng phường', code: 'BD-DC');
$urban = $e->createAgency($S, $bode, 'Đội Trật tự đô thị phường', code: 'BD-TTDT');
$districtLand = $e->createAgency($S, $longbien, 'Phòng Tài nguyên và Môi trường quận Long Biên', true, 'LB-TNMT');
$women = $e->createOrganization($S, $bode, 'Hội Liên hiệp Phụ nữ phường', 'women_union');
$person = static function (string $name, string $role, int $unit, ?int $agency = null, ?int $org = null) use ($e, $S): int {
    $p = $e->registerPerson($S, $name);
    $e->grantRole($S, $p, $role, $unit, $agency, $org);
    return $p;
};
$partyHead = $person('Nguyễn Thị Thanh Hằng', 'party_head', $bode);
$govHead = $person('Nguyễn Văn Luyện', 'government_head', $bode);
$office = $person('Văn phòng Đảng ủy - UBND phường Bồ Đề', 'office', $bode);
$front = $person('Chủ tịch Ủy ban MTTQ phường Bồ Đề', 'front_chair', $bode);
$officerLand = $person('Trưởng bộ phận Địa chính', 'agency_head', $bode, $land);
$officerUrban = $person('Đội trưởng Trật tự đô thị', 'agency_head', $bode, $urban);
$districtOfficer = $person('Trưởng phòng TN-MT quận Long Biên', 'agency_head', $longbien, $districtLand);
$womenRep = $person('Chủ tịch Hội LHPN phường', 'organization_rep', $bode, null, $women);
$residents = [];
for ($i = 1; $i <= 6; ++$i) {
    $residents[] = $person("Đại diện Nhân dân tổ dân phố $i", 'resident', $bode);
}
check($e->find('unit', 'HN-LB-BD') === $bode && $e->find('unit', 'nope') === null && $e->find('agency', 'LB-TNMT') === $districtLand);

// The feed saw the directory: every event once, in order.
$seen = $feed->poll();
check(count($seen) === $e->lastSeq() && $seen[0]->seq === 1 && $seen[0]->type === 'unit_created', 'the feed saw the directory');
check($seen[0]->actor === Engine::SYSTEM && $seen[0]->data['name'] === 'Thành phố Hà Nội');
check($seen[0]->at == at(2022, 8, 15) && $seen[0]->at->getOffset() === 7 * 3600, 'event instants are in the profile zone');
check($feed->poll() === [], 'nothing new, nothing returned');

// ---- Plan, opinions in advance, hold ----
$e->setClock(at(2022, 9, 20));
$conf = $e->planConference($office, $bode, 'periodic', 'all_residents', day(2022, 9, 30),
    planRef: 'Kế hoạch 131-KH/QU ngày 09/8/2022 của Quận ủy Long Biên');
$e->setClock(at(2022, 9, 23));
$adv = $e->submitOpinion($womenRep, $bode, 'collected_in_advance', [
    ['topic' => 'culture_society', 'text' => 'Sân chơi cho trẻ em khu tập thể'],
    ['topic' => 'urban_order', 'text' => 'Rác thải tồn đọng tại điểm tập kết tổ 9']], $conf, raisedByOrg: $women)->items;
check(count($adv) === 2);
$e->setClock(at(2022, 9, 30));
$e->holdConference($office, $conf, [$partyHead, $govHead], report: 'Báo cáo 9 tháng đầu năm 2022');
$c = $e->entity('conference', $conf);
check($c['status'] === 'held' && $c['reply_due'] === '2022-10-30');
$texts = [
    ['land', 'Tiến độ cấp giấy chứng nhận quyền sử dụng đất tổ 3'], ['land', 'Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài'],
    ['land', 'Đất tái định cư cho các hộ di dời'], ['urban_order', 'Lấn chiếm vỉa hè phố Bồ Đề'],
    ['urban_order', 'Rác thải tồn đọng tại điểm tập kết'], ['urban_order', 'Ngập úng ngõ 30 khi mưa lớn'],
    ['urban_order', 'Đèn chiếu sáng ngõ 58 hỏng'], ['land', 'Thủ tục tách thửa còn chậm'],
    ['urban_order', 'Mặt đường ngõ 172 xuống cấp'], ['land', 'Công khai quy hoạch sử dụng đất'],
    ['urban_order', 'Thoát nước khu tập thể'], ['land', 'Đo đạc lại ranh giới thửa đất tổ 7']];
$items = [];
for ($i = 0; $i < 6; ++$i) {
    $r = $e->submitOpinion($office, $bode, 'at_conference', [
        ['topic' => $texts[2 * $i][0], 'text' => $texts[2 * $i][1]], ['topic' => $texts[2 * $i + 1][0], 'text' => $texts[2 * $i + 1][1]]],
        $conf, raisedBy: $residents[$i]);
    check(count($r->items) === 2 && $r->id > 0 && !$r->replayed && $r->lastSeq >= $r->firstSeq);
    array_push($items, ...$r->items);
}
check(count($items) === 12);
[$escalated, $complex, $reopened, $late] = [$items[1], $items[2], $items[5], $items[6]];
$e->mergeDuplicate($office, $adv[1], $items[4]);
$e->answerOnSpot($office, $items[9], $partyHead, 'Chủ tọa trả lời trực tiếp tại hội nghị');
$e->answerOnSpot($office, $items[11], $govHead, 'Chủ tọa trả lời trực tiếp tại hội nghị');
check($e->reconciliation($conf)['duplicates'] === [['duplicate' => $adv[1], 'original' => $items[4]]]);

// ---- After the conference ----
$e->setClock(at(2022, 10, 3));
$newItem = $e->escalate($office, $escalated, $longbien, $districtLand, 'Đề nghị UBND quận xem xét đơn giá bồi thường GPMB', day(2022, 10, 3));
check($newItem > $adv[1] && $e->item($escalated)['escalated_to'] === $newItem);
foreach ($items as $i => $id) {
    if (!in_array($i, [1, 9, 11], true)) {
        $e->assign($office, $id, $i % 2 ? $urban : $land);
    }
}
$e->assign($office, $adv[0], $urban);
check($e->itemStatus($items[0]) === 'assigned' && $e->deadline($items[0]) == day(2022, 10, 30)->setTimezone($e->zone())->setTime(0, 0));
check($e->deadline($items[0])->format('Y-m-d') === '2022-10-30', 'deadline as a DateTimeImmutable');
$e->setClock(at(2022, 10, 7));
$e->issueConclusionNotice($office, $conf, 'Thông báo kết luận số 125-TB/ĐU', 'Kết luận của người đứng đầu cấp ủy, chính quyền phường');
$e->setClock(at(2022, 10, 25));
$e->extend($office, $complex, day(2022, 11, 30), 'Thông báo 210/TB-UBND', day(2022, 10, 25), 'Liên quan nhiều ngành, cần thời gian xác minh quỹ đất');
$why = $e->explainDeadline($complex);
check($why['source'] === 'extension' && $why['original_deadline'] === '2022-10-30' && $why['deadline'] === '2022-11-30');
check($e->deadline($complex)->format('Y-m-d') === '2022-11-30');

$replyAll = static function (int $item, int $officer, string $number, string $text) use ($e, $office): void {
    $e->writeReply($officer, $item, $number, $officer, $text);
    foreach (['party_head', 'government_head', 'front_chair', 'raiser'] as $to) {
        $e->recordDelivery($office, $item, $to);
    }
};
$k = 0;
foreach ($items as $i => $id) {
    if (in_array($i, [1, 9, 11, 2, 6], true)) {
        continue;
    }
    $e->setClock(at(2022, 10, 20 + $k % 8));
    $replyAll($id, $i % 2 ? $officerUrban : $officerLand, (300 + $k) . '/UBND-VP', 'Trả lời bằng văn bản');
    ++$k;
}
$overdue = $e->overdue(day(2022, 11, 1));
check(in_array($late, $overdue, true) && in_array($adv[0], $overdue, true), 'overdue on 1/11');
$e->setClock(at(2022, 11, 2));
$replyAll($late, $officerLand, '350/UBND-VP', 'Đã thay bóng đèn');
check($e->standing($late, day(2022, 11, 1)) === 'overdue' && $e->standing($late, day(2022, 11, 2)) === 'resolved', 'standing as of past days');
check(in_array($complex, $e->dueWithin(day(2022, 11, 2), 30), true));
$e->setClock(at(2022, 11, 25));
$replyAll($complex, $officerLand, '400/UBND-VP', 'Đã bố trí quỹ đất tái định cư');
$e->setClock(at(2022, 11, 28));
$e->recordFinding($front, $reopened, 'Ngõ 30 vẫn ngập khi mưa ngày 26/11', false);
$e->reopen($front, $reopened, 'Kết quả giải quyết chưa thỏa đáng');
$it = $e->item($reopened);
check($it['status'] === 'assigned' && $it['reopened'] === 1);
$e->closeItem($front, $items[0], 'MTTQ phường giám sát: đã giải quyết');
check($e->itemStatus($items[0]) === 'closed');
check($e->today()->format('Y-m-d') === '2022-11-28');

// ---- Accounting, report, exports, history ----
$a = $e->accounting($bode, day(2022, 11, 1));
check($a->items === 14 && $a->overdue === 2 && $a->resolved + $a->outstanding === $a->items, 'accounting as of 1/11');
check($a->unit === $bode && $a->asOf->format('Y-m-d') === '2022-11-01' && $a->merged === 1 && $a->escalated === 1);
check(count($e->items(['unit' => $bode, 'standing' => 'overdue', 'as_of' => day(2022, 11, 1)])) === 2, 'items() takes dates');
$expanded = $e->items(['unit' => $bode, 'status' => 'assigned', 'expand' => true]);
check(in_array('Ngập úng ngõ 30 khi mưa lớn', array_column($expanded, 'text'), true));
$report = $e->report($bode, ['kind' => 'year', 'year' => 2022], day(2022, 12, 31));
check($report['schema'] === 'doithoai.report/1' && $report['items']['items'] === 14 && $report['opinions']['total'] === 7);
$csv = $e->call('export_items', ['format' => 'csv', 'unit' => $bode, 'visibility' => 'internal']);
check(is_string($csv) && str_starts_with($csv, "\u{FEFF}"), 'CSV export with its BOM');
check(str_contains($e->call('export_items', ['format' => 'ical', 'agency' => $land, 'visibility' => 'internal']), 'BEGIN:VCALENDAR'));
$types = array_map(static fn ($ev) => $ev->type, $e->history('item', $late));
check(in_array('item_assigned', $types, true) && in_array('reply_delivered', $types, true));

// The feed saw everything since, once, in order.
$rest = $feed->poll(100000);
$all = array_merge($seen, $rest);
check(count($all) === $e->lastSeq() && $feed->position() === $e->lastSeq());
check(array_column(array_map(static fn ($ev) => ['s' => $ev->seq], $all), 's') === range(1, $e->lastSeq()), 'every event once, in order');
check(count(array_filter($all, static fn ($ev) => $ev->type === 'reply_delivered')) === 4 * 9);
// poll() pages with its limit.
$paged = $e->eventFeed(0);
$n = 0;
while ($batch = $paged->poll(50)) {
    check(count($batch) <= 50);
    $n += count($batch);
}
check($n === $e->lastSeq(), 'paging through the log');
$verify = $e->verify();
check($verify['ok'] === true && $verify['checked'] === $e->lastSeq());

// ---- Bulk imports ----
$before = $e->lastSeq();
$row = static fn (string $text, int $unit) => ['unit' => $unit, 'channel' => 'letter', 'raised_by' => $residents[0],
    'items' => [['topic' => 'land', 'text' => $text]]];
throws(Doithoai\InvalidArgumentException::class, 4, fn () => $e->importOpinions($residents[0], [$row('Đơn thư 1', $bode), ['unit' => $bode, 'colour' => 1]]),
    'a row that cannot be read');
check($e->lastSeq() === $before, 'a row that cannot be read imports nothing');
$rep = $e->importOpinions($residents[0], [$row('Đơn thư 1', $bode), $row('Đơn thư 2', 999999)], 'skip', 'letters-2022/');
check($rep->rows === 2 && $rep->submitted === 1 && $rep->failed === 1 && $rep->items === 1 && $rep->errors[0]['code'] === 'not_found');
$rep = $e->importOpinions($residents[0], [$row('Đơn thư 1', $bode)], idempotencyPrefix: 'letters-2022/');
check($e->lastSeq() === $before + 1, 'importing again appends nothing');
$x = throws(Doithoai\NotFoundException::class, 1, fn () => $e->importOpinions($residents[0], [$row('A', $bode), $row('B', 999999), $row('C', $bode)]));
check($x !== null && str_contains($x->getMessage(), 'start_row'), 'the raise message says where to go on');
check($e->lastSeq() === $before + 2, 'the row before the failure stays committed');
$rep = $e->importOpinions($residents[0], [$row('A', $bode), $row('B', 999999), $row('C', $bode)], startRow: 3);
check($rep->submitted === 1);

// CSV: two lines of one opinion, one of another; line 4 fails in raise mode.
$csvPath = "$dir/letters.csv";
$r0 = $residents[0];
file_put_contents($csvPath, "\u{FEFF}unit,raised_by,topic,text,opinion\r\n" .
    "HN-LB-BD,$r0,land,\"Hồ sơ đất, tổ 3\",a\r\nHN-LB-BD,$r0,urban_order,Đèn đường tổ 3,a\r\n" .
    "HN-LB-BD,$r0,no_such_topic,Chủ đề lạ,b\r\n$bode,$r0,land,Ranh giới thửa đất,c\r\n");
$before = $e->lastSeq();
$x = throws(Doithoai\InvalidArgumentException::class, 4, fn () => $e->importCsv($r0, $csvPath), 'a CSV line with an unknown topic');
check($x !== null && str_contains($x->getMessage(), 'row 4') && str_contains($x->getMessage(), 'start_row 4'));
check($e->lastSeq() === $before + 1, 'the opinion of lines 2-3 before the failing line stays committed');
$rep = $e->importCsv($r0, $csvPath, startRow: 5);
check($rep->submitted === 1 && $rep->items === 1 && $e->lastSeq() === $before + 2, 'resumed at line 5');
throws(Doithoai\NotFoundException::class, 1, fn () => $e->importCsv($r0, "$dir/no-such-file.csv"), 'a missing CSV file');

// ---- Idempotency keys ----
$r1 = $e->assign($office, $adv[0], $land, idempotencyKey: 'portal-1');
check($e->assign($office, $adv[0], $land, idempotencyKey: 'portal-1')->replayed && !$r1->replayed);
throws(Doithoai\ConflictException::class, 5, fn () => $e->assign($office, $adv[0], $urban, idempotencyKey: 'portal-1'), 'a key reused for another command');

// ---- Two engines on one file; close and reopen ----
$last = $e->lastSeq();
$accounting = $e->accounting($hanoi, day(2022, 11, 1));
$e2 = new Engine($db, clock: at(2022, 12, 1));
check($e2->lastSeq() === $last && $e2->accounting($hanoi, day(2022, 11, 1)) == $accounting, 'a second engine replays the file');
check($accounting->items === 15, 'Hà Nội counts the escalated item');
$feed1 = $e->eventFeed(catchUp: true);
$ward2 = $e2->createUnit($S, 'Phường Gia Thụy', 'xa', $longbien, 'HN-LB-GT');
check($ward2 > 0 && $e2->lastSeq() === $last + 1);
check($e->catchUp() === $last + 1 && $e->find('unit', 'HN-LB-GT') === $ward2, 'the first engine reads the second one\'s write');
$news = $feed1->poll();
check(count($news) === 1 && $news[0]->type === 'unit_created' && $news[0]->data['unit'] === $ward2, 'a feed with catchUp sees the other engine\'s event');
$e->setClock(at(2022, 12, 1));
$p = $e->registerPerson($S, 'Người mới');
check($e2->catchUp() === $last + 2 && $e2->entity('person', $p)['name'] === 'Người mới');
// Both write without catching up: the store serialises them, nothing is lost.
$u1 = $e->createUnit($S, 'Phường A', 'xa', $longbien);
$u2 = $e2->createUnit($S, 'Phường B', 'xa', $longbien);
check($u1 !== $u2 && $e->catchUp() === $e2->lastSeq(), 'interleaved writers');
$e2->close();
$final = $e->lastSeq();
$e->close();
check($e->isClosed());

$again = new Engine($db);
check($again->lastSeq() === $final && $again->entity('unit', $u2)['name'] === 'Phường B', 'reopened: everything persisted');
check($again->accounting($bode, day(2022, 11, 1)) == $a, 'the same accounting after reopening');
check($again->itemStatus($items[0]) === 'closed' && $again->deadline($complex)->format('Y-m-d') === '2022-11-30');
check($again->verify()['ok'] === true);
// The log as JSON Lines, imported into a new store; then tampered with.
$jsonl = "$dir/log.jsonl";
check($again->call('export_jsonl', ['path' => $jsonl])['events'] === $final);
$again->close();
$copy = new Engine("$dir/copy.db", options: ['import_jsonl' => $jsonl]);
check($copy->lastSeq() === $final && $copy->verify()['head'] === (new Engine($db))->verify()['head'], 'imported log, same hash chain');
$copy->close();
$lines = file($jsonl);
$lines[2] = str_replace('Phường Bồ Đề', 'Phường Khác', $lines[2], $replaced); // seq 3: the ward's unit_created
check($replaced === 1, 'tampered one line');
file_put_contents("$dir/bad.jsonl", implode('', $lines));
throws(Doithoai\CorruptionException::class, 7, fn () => new Engine("$dir/bad.db", options: ['import_jsonl' => "$dir/bad.jsonl"]), 'a tampered log');

// A read-only engine reads, refuses writes, changes nothing.
$ro = new Engine($db, options: ['sqlite' => ['read_only' => true]]);
check($ro->lastSeq() === $final);
try {
    $ro->createUnit($S, 'Phường mới', 'xa');
    check(false, 'a write on a read-only store');
} catch (Doithoai\StorageException | Doithoai\UnsupportedException $x) {
    check(in_array($x->getCode(), [6, 8], true), 'a write on a read-only store is storage or unsupported');
}
check($ro->lastSeq() === $final);
$ro->close();
finish();

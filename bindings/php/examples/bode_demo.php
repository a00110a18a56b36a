<?php
// The Bồ Đề ward dialogue conference of 30/9/2022, end to end, from PHP: the same commands as
// examples/bode_demo.cpp (with the same idempotency keys), through Doithoai\Engine, printing
// the same tables. ctest php_demo checks that both print the same (bindings/php/compare_demo.sh).
//
// Usage: php bindings/php/examples/bode_demo.php [database.db | --memory]   (default: bode-2022.db)
// Evidence bytes go to the directory <database.db>.attachments (a temporary one with --memory).
// Running it again on the same file continues it: every command is recognised by its key.
// Exit status 0 when the conference ends as the seed says.

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Doithoai\Attachment;
use Doithoai\Engine;

const GROUPS = [
    ['Quản lý đất đai và GPMB', 'land', 0, [
        'Tiến độ cấp giấy chứng nhận quyền sử dụng đất tổ 3', 'Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài',
        'Đất tái định cư cho các hộ di dời', 'Xử lý lấn chiếm đất công ven đê', 'Đo đạc lại ranh giới thửa đất tổ 7',
        'Quỹ đất xây nhà văn hóa tổ 12', 'Thủ tục tách thửa còn chậm', 'Hồ sơ đất dịch vụ chưa được giao',
        'Bãi đất trống bị đổ trộm phế thải', 'Giá bồi thường cây trồng, vật kiến trúc', 'Công khai quy hoạch sử dụng đất',
        'Đất nông nghiệp xen kẹt trong khu dân cư']],
    ['TTĐT, TTXD, VSMT, hạ tầng dân sinh', 'urban_order', 1, [
        'Lấn chiếm vỉa hè phố Bồ Đề', 'Công trình xây dựng không phép ngõ 100', 'Rác thải tồn đọng tại điểm tập kết',
        'Ngập úng ngõ 30 khi mưa lớn', 'Đèn chiếu sáng ngõ 58 hỏng', 'Mặt đường ngõ 172 xuống cấp',
        'Tiếng ồn công trình ban đêm', 'Thoát nước khu tập thể', 'Bãi trông giữ xe tự phát', 'Cây xanh đổ nghiêng',
        'Nắp cống vỡ trên phố Nguyễn Văn Cừ', 'Vệ sinh chợ tạm', 'Biển quảng cáo sai phép']],
    ['An ninh trật tự', 'security', 2, [
        'Trộm cắp xe máy ban đêm', 'Tụ tập thanh thiếu niên gây mất trật tự', 'Camera an ninh khu dân cư',
        'Tạm trú, tạm vắng tại nhà cho thuê', 'Đua xe trên đường đê', 'Phòng cháy chữa cháy nhà ống',
        'Hàng rong lấn chiếm lòng đường', 'Lừa đảo qua điện thoại']],
    ['Văn hóa - xã hội', 'culture_society', 3, [
        'Sân chơi cho trẻ em', 'Chế độ cho người có công', 'Trợ cấp hộ nghèo, cận nghèo', 'Nhà văn hóa tổ 5 xuống cấp',
        'Học bơi cho học sinh', 'Bảo hiểm y tế người cao tuổi', 'Thông tin chính sách cho hộ kinh doanh',
        'Tiêm chủng cho trẻ em']],
];

function date_of(int $y, int $m, int $d): DateTimeImmutable
{
    return new DateTimeImmutable(sprintf('%04d-%02d-%02d', $y, $m, $d));
}

function dmy(?DateTimeInterface $d): string
{
    return $d ? $d->format('d/m/Y') : '—';
}

/** Pads or cuts UTF-8 text to n characters (as the C++ demo: printf pads bytes, not letters). */
function cut(string $s, int $n): string
{
    $chars = 0;
    $i = 0;
    $len = strlen($s);
    for (; $i < $len && $chars < $n; ++$i) {
        if ((ord($s[$i]) & 0xC0) !== 0x80) {
            ++$chars;
        }
    }
    while ($i < $len && (ord($s[$i]) & 0xC0) === 0x80) {
        ++$i;
    }
    return substr($s, 0, $i) . str_repeat(' ', max(0, $n - $chars));
}

$path = $argv[1] ?? 'bode-2022.db';
if ($path === '--memory') {
    $attachments = sys_get_temp_dir() . '/bode-attachments-' . getmypid() . '-' . bin2hex(random_bytes(4));
    register_shutdown_function(static function () use ($attachments): void {
        $remove = static function (string $d) use (&$remove): void {
            foreach (glob("$d/*") ?: [] as $f) {
                is_dir($f) ? $remove($f) : unlink($f);
            }
            is_dir($d) && rmdir($d);
        };
        $remove($attachments);
    });
} else {
    $attachments = "$path.attachments";
}
$engine = new Engine($path === '--memory' ? ':memory:' : $path, 'hanoi-2200',
    clock: new DateTimeImmutable('2022-08-15T09:00:00+07:00'), options: ['attachments' => $attachments]);
$zone = $engine->zone();
$storedBefore = $engine->lastSeq();

$counter = 0;
$replayed = 0;
$key = static function () use (&$counter): string {
    return 'bode-2022/' . ++$counter;
};
$track = static function (Doithoai\CommandResult $r) use (&$replayed): Doithoai\CommandResult {
    $replayed += $r->replayed ? 1 : 0;
    return $r;
};
// Commands creating an entity go through execute(): the typed methods that return an id
// (createUnit, planConference, ...) do not say whether the command was replayed.
$run = static function (int|string $actor, array $command) use ($engine, $key, $track): Doithoai\CommandResult {
    return $track($engine->execute(['actor' => $actor, 'idempotency_key' => $key(), 'command' => $command]));
};
$day = static function (int $y, int $m, int $d, int $h = 9) use ($engine): void {
    $engine->setClock(new DateTimeImmutable(sprintf('%04d-%02d-%02dT%02d:00:00+07:00', $y, $m, $d, $h)));
};
$S = Engine::SYSTEM;

// ---- Directory (R01, R19) ----
$hanoi = $run($S, ['type' => 'create_unit', 'name' => 'Thành phố Hà Nội', 'level' => 'tinh', 'code' => 'HN'])->id;
$longbien = $run($S, ['type' => 'create_unit', 'name' => 'Quận Long Biên', 'level' => 'huyen', 'parent' => $hanoi, 'code' => 'HN-LB'])->id;
$bode = $run($S, ['type' => 'create_unit', 'name' => 'Phường Bồ Đề', 'level' => 'xa', 'parent' => $longbien, 'code' => 'HN-LB-BD'])->id;
$agencies = [];
foreach ([['Bộ phận Địa chính - Xây dựng phường', 'BD-DC'], ['Đội Trật tự đô thị phường', 'BD-TTDT'],
          ['Công an phường Bồ Đề', 'BD-CA'], ['Bộ phận Văn hóa - Xã hội phường', 'BD-VHXH']] as [$name, $code]) {
    $agencies[] = $run($S, ['type' => 'create_agency', 'unit' => $bode, 'name' => $name, 'code' => $code])->id;
}
$districtLand = $run($S, ['type' => 'create_agency', 'unit' => $longbien, 'name' => 'Phòng Tài nguyên và Môi trường quận Long Biên',
    'department' => true, 'code' => 'LB-TNMT'])->id;
$women = $run($S, ['type' => 'create_organization', 'unit' => $bode, 'name' => 'Hội Liên hiệp Phụ nữ phường', 'kind' => 'women_union'])->id;
$veterans = $run($S, ['type' => 'create_organization', 'unit' => $bode, 'name' => 'Hội Cựu chiến binh phường', 'kind' => 'veterans_association'])->id;
// The typed methods, with the demo's keys.
$person = static function (string $name, string $role, int $unit, ?int $agency = null, ?int $org = null) use ($engine, $key, $track, $S, &$replayed): int {
    $r = $track($engine->execute(['actor' => $S, 'idempotency_key' => $key(), 'command' => ['type' => 'register_person', 'name' => $name]]));
    $track($engine->grantRole($S, $r->id, $role, $unit, $agency, $org, idempotencyKey: $key()));
    return $r->id;
};
$partyHead = $person('Nguyễn Thị Thanh Hằng', 'party_head', $bode);
$govHead = $person('Nguyễn Văn Luyện', 'government_head', $bode);
$office = $person('Văn phòng Đảng ủy - UBND phường Bồ Đề', 'office', $bode);
$front = $person('Chủ tịch Ủy ban MTTQ phường Bồ Đề', 'front_chair', $bode);
$officers = [];
foreach ($agencies as $a) {
    $officers[] = $person('Trưởng ' . $engine->entity('agency', $a)['name'], 'agency_head', $bode, $a);
}
$districtOfficer = $person('Trưởng phòng TN-MT quận Long Biên', 'agency_head', $longbien, $districtLand);
$districtOffice = $person('Văn phòng Quận ủy - UBND quận Long Biên', 'office', $longbien);
$districtFront = $person('Chủ tịch Ủy ban MTTQ quận Long Biên', 'front_chair', $longbien);
$womenRep = $person('Chủ tịch Hội LHPN phường', 'organization_rep', $bode, null, $women);
$veteransRep = $person('Chủ tịch Hội CCB phường', 'organization_rep', $bode, null, $veterans);
$residents = [];
for ($k = 1; $k <= 14; ++$k) {
    $residents[] = $person("Đại diện Nhân dân tổ dân phố $k", 'resident', $bode);
}

// ---- Plan (R02, R03): public notice on 20/9 for 30/9 ----
$day(2022, 9, 20);
$conf = $run($office, ['type' => 'plan_conference', 'unit' => $bode, 'kind' => 'periodic', 'audience' => 'all_residents',
    'planned_on' => '2022-09-30', 'plan_ref' => 'Kế hoạch 131-KH/QU ngày 09/8/2022 của Quận ủy Long Biên'])->id;
// Opinions collected in advance through the organizations (R04).
$day(2022, 9, 23);
$adv1 = $track($engine->submitOpinion($womenRep, $bode, 'collected_in_advance', [
    ['topic' => 'culture_society', 'text' => 'Sân chơi cho trẻ em khu tập thể'],
    ['topic' => 'urban_order', 'text' => 'Rác thải tồn đọng tại điểm tập kết tổ 9']], conference: $conf, raisedByOrg: $women,
    idempotencyKey: $key()));
$adv2 = $track($engine->submitOpinion($veteransRep, $bode, 'collected_in_advance', [
    ['topic' => 'social_policy', 'text' => 'Chế độ cho cựu chiến binh có hoàn cảnh khó khăn'],
    ['topic' => 'security', 'text' => 'Trộm cắp xe máy ban đêm ở tổ 11']], conference: $conf, raisedByOrg: $veterans,
    idempotencyKey: $key()));

// ---- Hold (R02, R03): 30/9/2022, chaired by the two heads ----
$day(2022, 9, 30, 14);
$track($engine->holdConference($office, $conf, [$partyHead, $govHead],
    report: 'Báo cáo tóm tắt công tác xây dựng Đảng, KTXH, ANQP 9 tháng đầu năm 2022', idempotencyKey: $key()));
// 14 opinions holding the 41 issues, dealt round-robin over the four groups.
$issues = []; // [item, group]
$flat = [];
for ($g = 0, $more = true; $more; ++$g) {
    $more = false;
    foreach (GROUPS as $gi => $group) {
        if ($g < count($group[3])) {
            $flat[] = [$gi, $group[3][$g]];
            $more = true;
        }
    }
}
$next = 0;
for ($o = 0; $o < 14; ++$o) {
    $n = $o < 13 ? 3 : count($flat) - $next;
    $items = [];
    for ($k = 0; $k < $n; ++$k, ++$next) {
        $items[] = ['topic' => GROUPS[$flat[$next][0]][1], 'text' => $flat[$next][1]];
    }
    $r = $track($engine->submitOpinion($office, $bode, 'at_conference', $items, conference: $conf, raisedBy: $residents[$o],
        idempotencyKey: $key()));
    foreach ($r->items as $k => $id) {
        $issues[] = [$id, $flat[$next - $n + $k][0]];
    }
}
$findIssue = static function (string $text) use ($engine, $issues): int {
    foreach ($issues as [$id]) {
        if ($engine->item($id)['text'] === $text) {
            return $id;
        }
    }
    return 0;
};
// R07: two advance items duplicate issues raised in the room.
$track($engine->mergeDuplicate($office, $adv1->items[1], $findIssue('Rác thải tồn đọng tại điểm tập kết'), idempotencyKey: $key()));
$track($engine->mergeDuplicate($office, $adv2->items[1], $findIssue('Trộm cắp xe máy ban đêm'), idempotencyKey: $key()));
// R06: the chairs answer 14 issues directly (every third one).
for ($k = 0; $k < count($issues); $k += 3) {
    $track($engine->answerOnSpot($office, $issues[$k][0], $k % 2 ? $govHead : $partyHead,
        'Chủ tọa trả lời trực tiếp, thống nhất hướng giải quyết tại hội nghị', idempotencyKey: $key()));
}

// ---- After the conference (R08, R09, R11) ----
$day(2022, 10, 3);
$escalated = $findIssue('Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài');
$complex = $findIssue('Đất tái định cư cho các hộ di dời');
$reopened = $findIssue('Ngập úng ngõ 30 khi mưa lớn');
$late = $findIssue('Đèn chiếu sáng ngõ 58 hỏng');
$track($engine->execute(['actor' => $office, 'idempotency_key' => $key(), 'command' => ['type' => 'escalate', 'item' => $escalated,
    'to_unit' => $longbien, 'to_agency' => $districtLand,
    'proposal' => 'Đề nghị UBND quận xem xét đơn giá bồi thường GPMB (vượt thẩm quyền phường)', 'raiser_notified_on' => '2022-10-03']]));
$assigned = [];
foreach ($issues as $k => [$id, $g]) {
    if ($k % 3 === 0 || $id === $escalated) {
        continue;
    }
    $track($engine->assign($office, $id, $agencies[GROUPS[$g][2]], idempotencyKey: $key()));
    $assigned[] = $id;
}
$track($engine->assign($office, $adv1->items[0], $agencies[3], idempotencyKey: $key()));
$track($engine->assign($office, $adv2->items[0], $agencies[3], idempotencyKey: $key()));
// Issue 14 (R04): an unsigned letter from the ward's suggestion mailbox, entered by the office
// (the profile's "anonymous" section allows the mailbox channel), assigned to the police.
$day(2022, 10, 5);
$anon = $track($engine->submitOpinion($office, $bode, 'mailbox',
    [['topic' => 'security', 'text' => 'Thư không ký tên: quán karaoke tổ 14 hát sau 22 giờ']], idempotencyKey: $key()));
$anonymous = $anon->items[0];
$track($engine->assign($office, $anonymous, $agencies[2], idempotencyKey: $key()));
$day(2022, 10, 7);
$track($engine->issueConclusionNotice($office, $conf, 'Thông báo kết luận số 125-TB/ĐU',
    'Kết luận của người đứng đầu cấp ủy, chính quyền phường tại hội nghị đối thoại năm 2022', idempotencyKey: $key()));
// R12: the complex issue gets a later deadline with a written notice to the raiser.
$day(2022, 10, 25);
$track($engine->extend($office, $complex, date_of(2022, 11, 30), 'Thông báo 210/TB-UBND', date_of(2022, 10, 25),
    'Liên quan nhiều ngành, cần thời gian xác minh quỹ đất', idempotencyKey: $key()));

// ---- Written replies (R10): four deliveries each ----
$reply = static function (int $id, string $number, int $y, int $m, int $d, array $evidence = []) use ($engine, $day, $key, $track, $agencies, $officers,
    $districtLand, $districtOfficer, $districtOffice, $office): void {
    $day($y, $m, $d);
    $it = $engine->item($id);
    $officer = 0;
    foreach ($agencies as $k => $a) {
        if ($a === $it['agency']) {
            $officer = $officers[$k];
        }
    }
    if ($it['agency'] === $districtLand) {
        $officer = $districtOfficer;
    }
    $track($engine->writeReply($officer, $id, $number, $officer, 'Trả lời bằng văn bản: ' . $it['text'], attachments: $evidence,
        idempotencyKey: $key()));
    foreach (['party_head', 'government_head', 'front_chair', 'raiser'] as $r) {
        $track($engine->recordDelivery($it['agency'] === $districtLand ? $districtOffice : $office, $id, $r, idempotencyKey: $key()));
    }
};
$number = 300;
foreach ($assigned as $id) {
    if ($id !== $complex && $id !== $late) {
        // bode_demo.cpp computes the day from the number before incrementing it (GCC evaluates
        // the arguments of reply(id, to_string(++number) + ..., 20 + number % 8) right to left).
        $d = 20 + $number % 8;
        ++$number;
        $reply($id, "$number/UBND-VP", 2022, 10, $d);
    }
}
$reply($adv1->items[0], ++$number . '/UBND-VP', 2022, 10, 28);
$reply($adv2->items[0], ++$number . '/UBND-VP', 2022, 10, 28);
// The anonymous letter has no raiser to deliver to: its reply reaches them by public posting
// (R10, R13; the profile's anonymous.delivery "posted"), which completes it.
$day(2022, 10, 28);
$track($engine->writeReply($officers[2], $anonymous, '88/CAP-TH', $officers[2],
    'Công an phường đã kiểm tra, lập biên bản và yêu cầu cơ sở karaoke chấm dứt hoạt động sau 22 giờ', idempotencyKey: $key()));
foreach (['party_head', 'government_head', 'front_chair'] as $r) {
    $track($engine->recordDelivery($office, $anonymous, $r, idempotencyKey: $key()));
}
$day(2022, 10, 31);
$run($office, ['type' => 'publish_reply', 'item' => $anonymous]);
// The late reply carries its evidence (issue 14; R10, R13): the bytes go to the attachment
// store first (content-addressed: putting them again on a rerun changes nothing), the event
// records only name, media type, size and SHA-256. Published, so the evidence is public.
$record = "BIÊN BẢN NGHIỆM THU\nSửa chữa, thay thế 06 bộ đèn chiếu sáng ngõ 58 phố Bồ Đề.\n"
    . "Ngày 01/11/2022, đại diện Đội Trật tự đô thị phường, Tổ dân phố và đơn vị thi công kiểm tra:\n"
    . "các bộ đèn đã sáng bình thường từ 18 giờ.\n";
$evidence = new Attachment('bien-ban-nghiem-thu-den-ngo-58.txt', 'text/plain', strlen($record), $engine->putAttachment($record), true);
$reply($late, ++$number . '/UBND-VP', 2022, 11, 2, [$evidence]); // two days late
$run($office, ['type' => 'publish_reply', 'item' => $late]);
$reply($engine->item($escalated)['escalated_to'], '1520/UBND-TNMT', 2022, 10, 31);
// ---- Satisfaction (issue 14; R10, R14): the raiser of the flooded lane is not satisfied ----
$floodedRaiser = $engine->entity('opinion', $engine->item($reopened)['opinion'])['raised_by'];
$day(2022, 11, 10);
$track($engine->recordSatisfaction($floodedRaiser, $reopened, 'not_satisfied', 'Ngõ 30 vẫn ngập sau trận mưa ngày 08/11',
    idempotencyKey: $key()));
$reply($complex, ++$number . '/UBND-VP', 2022, 11, 25);

// ---- Supervision (R14): the Front checks, reopens one, closes the rest ----
$day(2022, 11, 28);
$track($engine->recordFinding($front, $reopened, 'Ngõ 30 vẫn ngập khi mưa ngày 26/11; chưa giải quyết dứt điểm', false, idempotencyKey: $key()));
$track($engine->reopen($front, $reopened, 'Kết quả giải quyết chưa thỏa đáng', idempotencyKey: $key()));
$reply($reopened, ++$number . '/UBND-VP', 2022, 12, 15);
$day(2022, 12, 18);
$track($engine->recordSatisfaction($floodedRaiser, $reopened, 'satisfied', 'Đã nạo vét cống, ngõ hết ngập', idempotencyKey: $key()));
$day(2022, 12, 20);
$all = $engine->items(['unit' => $bode]);
foreach ($all as $id) {
    if ($id !== $adv1->items[1] && $id !== $adv2->items[1]) { // duplicates follow their originals
        $track($engine->closeItem($front, $id, 'MTTQ phường giám sát: đã giải quyết', idempotencyKey: $key()));
    }
}
$track($engine->closeItem($districtFront, $engine->item($escalated)['escalated_to'], 'MTTQ quận giám sát: đã giải quyết', idempotencyKey: $key()));
$track($engine->closeConference($office, $conf, idempotencyKey: $key()));

// ---- Print ----
echo 'Hội nghị đối thoại phường Bồ Đề, 30/9/2022 — store: ', $path === '--memory' ? 'in memory' : $path, "\n";
if ($storedBefore) {
    echo "(continued an existing store of $storedBefore events; $replayed commands were recognised by their idempotency keys and appended nothing)\n";
}
$date = static fn (?string $s) => Doithoai\Convert::dateFrom($s, $zone);
$c = $engine->entity('conference', $conf);
echo 'Chủ trì: Bí thư Đảng ủy và Chủ tịch UBND phường; thông báo kết luận ', $c['notice']['number'], ' ngày ',
    dmy($date($c['notice']['issued_on'])), ' (hạn ', dmy($date($c['notice']['due'])), $c['notice']['on_time'] ? ', đúng hạn' : ', trễ hạn',
    '); hạn trả lời ', dmy($date($c['reply_due'])), '; trạng thái: ', $c['status'], "\n\n";
$rc = $engine->reconciliation($conf);
echo 'Đối chiếu (R07): ', count($rc['raised_at_conference']), ' nội dung nêu tại hội nghị, ', count($rc['collected_in_advance']),
    ' nội dung tổng hợp trước hội nghị, ', count($rc['duplicates']), " trùng lặp đã gộp\n\n";

echo "Bảng theo dõi giải quyết (R09–R14)\n";
echo cut('Số', 4), ' ', cut('Nội dung', 34), ' ', cut('Cơ quan', 30), ' ', cut('Hạn', 10), ' ', cut('Hạn gốc', 10), ' ',
    cut('Văn bản', 14), ' ', cut('Ngày TL', 10), " Tình trạng\n";
$agencyNames = [];
foreach ([$bode, $longbien] as $u) {
    foreach ($engine->call('agencies', ['unit' => $u]) as $a) {
        $agencyNames[$a] = $engine->entity('agency', $a)['name'];
    }
}
$shown = $all;
$shown[] = $engine->item($escalated)['escalated_to'];
foreach ($shown as $id) {
    $it = $engine->item($id);
    $state = $it['status'];
    if ($it['merged_into']) {
        $state .= ' → #' . $it['merged_into'];
    }
    if ($it['escalated_to']) {
        $state .= ' → quận #' . $it['escalated_to'];
    }
    if ($it['reopened']) {
        $state .= ' (mở lại)';
    }
    if ($it['extensions']) {
        $state .= ' (gia hạn)';
    }
    $deadline = $date($it['deadline']);
    $completed = $it['reply'] ? $date($it['reply']['completed_on']) : null;
    if ($completed && $deadline && $completed > $deadline) {
        $state .= ' (trễ hạn)';
    }
    printf("%-4d %s %s %-10s %-10s %-14s %-10s %s\n", $id, cut($it['text'], 34),
        cut($it['agency'] ? $agencyNames[$it['agency']] : ($it['answer'] ? 'trả lời tại hội nghị' : '—'), 30),
        dmy($deadline), dmy($date($it['original_deadline'])), $it['reply'] ? $it['reply']['number'] : '',
        $it['reply'] ? dmy($completed) : '', $state);
}

echo "\nThống kê theo nội dung (R15), phường Bồ Đề\n";
foreach (['Tính đến  ', '  Tổng', '  Đã GQ', '  Còn tồn', '  Chưa đến hạn', '  Quá hạn', '  Đúng hạn', '  Trễ hạn'] as $h) {
    echo cut($h, $h === 'Tính đến  ' ? 12 : 11);
}
echo "\n";
foreach ([date_of(2022, 9, 30), date_of(2022, 10, 10), date_of(2022, 10, 30), date_of(2022, 11, 1), date_of(2022, 11, 30),
          date_of(2022, 12, 31)] as $d) {
    $a = $engine->accounting($bode, $d);
    printf("%-12s %6d %10d %10d %10d %10d %10d %10d\n", dmy($d), $a->items, $a->resolved, $a->outstanding, $a->notYetDue,
        $a->overdue, $a->repliedOnTime, $a->repliedLate);
}

$report = $engine->report($bode, ['kind' => 'year', 'year' => 2022], date_of(2022, 12, 31));
echo "\nBáo cáo năm 2022 gửi MTTQ (R16): ", $report['change']['conferences']['current'], ' hội nghị, ', $report['opinions']['total'],
    ' ý kiến, ', $report['items']['items'], ' nội dung; đã giải quyết ', $report['items']['resolved'], ', còn tồn ',
    $report['items']['outstanding'], '; gia hạn ', $report['items']['extensions'], '; đề xuất cấp trên ',
    $report['items']['escalated'], "\n";
foreach ($report['by_topic'] as $t) {
    echo '  ', cut($t['label'], 44), ' ', $t['items'], ' nội dung, đã giải quyết ', $t['resolved'], "\n";
}
echo '  Ý kiến không ký tên (R04): ', $report['opinions']['anonymous'], ' ý kiến, ', $report['items']['anonymous'], " nội dung\n";
$st = $report['satisfaction'] ?? [];
echo '  Mức độ hài lòng với văn bản trả lời (đánh giá sau cùng): ', $st['rated'] ?? 0, ' đánh giá, hài lòng ', $st['satisfied'] ?? 0,
    ', hài lòng một phần ', $st['partly_satisfied'] ?? 0, ', không hài lòng ', $st['not_satisfied'] ?? 0, "\n";
foreach ($report['by_agency'] as $a) {
    if ($a['replies_with_evidence']) {
        echo '  Văn bản trả lời có minh chứng: ', cut($a['name'], 34), ' ', $a['replies_with_evidence'], '/', $a['written_replies'], "\n";
    }
}

// Issue 14 as the citizen sees it: the tracking code of the unsigned letter, looked up as a
// visitor would (the public status only), on the day of its posting and at the year's end.
$code = $engine->trackingCode($anon->id);
echo "\nThư không ký tên, mã tra cứu $code (R04, R10, R13):";
$days = [date_of(2022, 10, 5), date_of(2022, 10, 31), date_of(2022, 12, 31)];
foreach ($days as $k => $d) {
    $ti = $engine->track($code, $d)['items'][0];
    echo ' ', dmy($d), ' ', $ti['status'], $ti['reply'] ? " ({$ti['reply']['number']})" : '', $k < 2 ? ';' : '';
}
echo "\n";
// The reply with evidence: what the event records, and the bytes checked against the store (R20).
try {
    $public = $engine->publicAttachment($evidence->sha256) === $record;
} catch (Doithoai\NotFoundException) {
    $public = false;
}
$ar = $engine->verifyAttachments();
echo 'Minh chứng kèm văn bản ', $engine->item($late)['reply']['number'], ': ', $evidence->name, ' (', $evidence->mediaType, ', ',
    $evidence->size, ' byte, SHA-256 ', $evidence->sha256, '), công khai: ', $public ? 'có' : 'không',
    '; kiểm tra kho minh chứng: ', $ar['checked'], ' tệp, ', $ar['ok'] ? 'khớp mã băm' : 'LỖI', "\n";
// R14: the Front's supervision list before and after it reopened the item.
echo 'Danh sách giám sát của MTTQ (người nêu không hài lòng, R14):';
$days = [date_of(2022, 11, 9), date_of(2022, 11, 10), date_of(2022, 11, 28)];
foreach ($days as $k => $d) {
    $list = $engine->supervisionList($d, $bode);
    echo ' ', dmy($d), ': ', $list === [] ? 'trống' : '';
    foreach ($list as $entry) {
        echo '#', $entry['item'], ' ', $entry['comment'];
    }
    echo $k < 2 ? ';' : '';
}
echo "\n";
$chainOk = true;
if ($path !== '--memory') {
    $v = $engine->verify();
    $chainOk = $v['ok'];
    echo "\nNhật ký (R20): ", $v['checked'], ' sự kiện, chuỗi băm ', $v['ok'] ? 'hợp lệ' : 'HỎNG: ' . $v['problem'],
        ', đầu chuỗi ', substr($v['head'], 0, 16), "…\n";
}
// The demo checks its own outcome, so running it is a test too.
$end = $engine->accounting($bode, date_of(2022, 12, 31));
$c = $engine->entity('conference', $conf);
$flagged = $engine->supervisionList(date_of(2022, 11, 10), $bode);
$citizensOk = $report['opinions']['anonymous'] === 1 && $ar['ok'] && $ar['checked'] === 1 && count($flagged) === 1
    && $flagged[0]['item'] === $reopened && $engine->supervisionList(date_of(2022, 11, 28), $bode) === []
    && ($st['rated'] ?? 0) === 1 && ($st['satisfied'] ?? 0) === 1 && $engine->itemStatus($anonymous) === 'closed';
$ok = $chainOk && $citizensOk && $c['status'] === 'closed' && $report['items']['items'] === 46 && $end->outstanding === 0
    && $end->repliedLate === 1 && $engine->item($complex)['original_deadline'] === '2022-10-30'
    && $engine->item($reopened)['reopened'] === 1 && $c['notice']['on_time'] && $engine->deadline($complex) == date_of(2022, 11, 30)->setTimezone($zone)->setTime(0, 0);
$engine->close();
if (!$ok) {
    fwrite(STDERR, "bode_demo.php: the conference does not end as the seed says\n");
}
exit($ok ? 0 : 1);

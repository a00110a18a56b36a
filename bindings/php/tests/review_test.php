<?php
// Review before publication (R13, R14; profile "reply_review", issue 15) through the PHP
// methods approveReply/returnReply: the world of tests/data/malformed/scene.json, whose
// profile lays reply_review over hanoi-2200 and leaves item 6 with a draft reply.

declare(strict_types=1);

require __DIR__ . '/support.php';

use Doithoai\Engine;
use Doithoai\InvalidTransitionException;
use Doithoai\PermissionDeniedException;
use Doithoai\InvalidArgumentException;

$root = __DIR__ . '/../../..';
$scene = json_decode(file_get_contents("$root/tests/data/malformed/scene.json"), true, 512, JSON_THROW_ON_ERROR);
$profile = json_decode(file_get_contents("$root/profiles/{$scene['profile']}.json"), true, 512, JSON_THROW_ON_ERROR);
$profile = array_merge($profile, $scene['profile_with']);
$e = new Engine(':memory:', $profile, clock: new DateTimeImmutable($scene['clock']));
foreach ($scene['setup'] as $step) {
    if (isset($step['clock'])) {
        $e->setClock(new DateTimeImmutable($step['clock']));
        continue;
    }
    unset($step['expect_id']);
    $e->execute($step);
}
$draft = 6;
check($e->itemStatus($draft) === 'reply_written' && $e->item($draft)['reply']['draft'] === true, 'a draft reply');
$seq = $e->lastSeq();
throws(PermissionDeniedException::class, null, fn () => $e->approveReply(5, $draft), 'the agency approves its own reply');
throws(InvalidArgumentException::class, null, fn () => $e->returnReply(3, $draft, ''), 'a return without a reason');
throws(InvalidTransitionException::class, null, fn () => $e->approveReply(3, 2), 'an item without a reply');
check($e->lastSeq() === $seq, 'refusals change nothing');
$e->returnReply(3, $draft, 'Chưa nêu căn cứ pháp lý');
check($e->itemStatus($draft) === 'assigned' && $e->item($draft)['returned'] === 1 && $e->item($draft)['reply'] === null);
$e->execute(['actor' => 5, 'command' => ['type' => 'write_reply', 'item' => $draft, 'number' => '22/TL-UBND',
    'signer' => 5, 'text' => 'Bản sửa']]);
$e->approveReply(3, $draft, 'Đạt');
$reply = $e->item($draft)['reply'];
check($reply['draft'] === false && $reply['approved_by'] === 3, 'approved by the office');
throws(InvalidTransitionException::class, null, fn () => $e->approveReply(3, $draft), 'approved twice');
finish();

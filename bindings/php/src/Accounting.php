<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * The accounting of a unit's subtree as of the end of a local day (R15; the dt_call method
 * "accounting"). resolved + outstanding = items; outstanding = notYetDue + overdue.
 */
final class Accounting
{
    public function __construct(
        public readonly int $unit,
        public readonly \DateTimeImmutable $asOf,
        public readonly int $opinions,
        public readonly int $items,
        public readonly int $resolved,
        public readonly int $outstanding,
        public readonly int $notYetDue,
        public readonly int $overdue,
        public readonly int $answeredOnSpot,
        public readonly int $replied,
        public readonly int $repliedOnTime,
        public readonly int $repliedLate,
        public readonly int $handedOn,
        public readonly int $escalated,
        public readonly int $closed,
        public readonly int $extendedItems,
        public readonly int $extensions,
        public readonly int $reopenedItems,
        public readonly int $merged,
        public readonly int $receivedByEscalation,
    ) {
    }

    /** @param array<string, mixed> $j */
    public static function fromJson(array $j, \DateTimeZone $zone): self
    {
        return new self((int) $j['unit'], Convert::dateFrom((string) $j['as_of'], $zone), (int) $j['opinions'], (int) $j['items'],
            (int) $j['resolved'], (int) $j['outstanding'], (int) $j['not_yet_due'], (int) $j['overdue'],
            (int) $j['answered_on_spot'], (int) $j['replied'], (int) $j['replied_on_time'], (int) $j['replied_late'],
            (int) $j['handed_on'], (int) $j['escalated'], (int) $j['closed'], (int) $j['extended_items'],
            (int) $j['extensions'], (int) $j['reopened_items'], (int) $j['merged'], (int) $j['received_by_escalation']);
    }
}

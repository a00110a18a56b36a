<?php

declare(strict_types=1);

namespace Doithoai;

/** What a command did (docs/json.md, "Requests and results"). */
final class CommandResult
{
    /**
     * @param int|null $id the entity the command created (unit, agency, person, conference,
     *                     opinion, or an escalation's new item), else null
     * @param list<int> $items the items the command created
     * @param bool $replayed true when the idempotency key was seen before: nothing was appended
     */
    public function __construct(
        public readonly int $firstSeq,
        public readonly int $lastSeq,
        public readonly ?int $id,
        public readonly array $items,
        public readonly bool $replayed,
    ) {
    }

    /** @param array<string, mixed> $json */
    public static function fromJson(array $json): self
    {
        return new self((int) $json['first_seq'], (int) $json['last_seq'], isset($json['id']) ? (int) $json['id'] : null,
            array_map('intval', $json['items'] ?? []), (bool) $json['replayed']);
    }
}

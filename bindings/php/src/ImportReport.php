<?php

declare(strict_types=1);

namespace Doithoai;

/** What Engine::importOpinions() did (the dt_call methods import_opinions / import_csv). */
final class ImportReport
{
    /**
     * @param list<array{row: int, code: string, message: string}> $errors rows that failed
     *        (with onError "skip")
     */
    public function __construct(
        public readonly int $rows,
        public readonly int $submitted,
        public readonly int $failed,
        public readonly int $items,
        public readonly int $opinions,
        public readonly array $errors,
    ) {
    }

    /** @param array<string, mixed> $j */
    public static function fromJson(array $j): self
    {
        return new self((int) $j['rows'], (int) $j['submitted'], (int) $j['failed'], (int) $j['items'],
            (int) $j['opinions'], $j['errors'] ?? []);
    }
}

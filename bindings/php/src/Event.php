<?php

declare(strict_types=1);

namespace Doithoai;

/** One committed event of the log (docs/json.md, "Events"). */
final class Event
{
    /**
     * @param int|string $actor a person id, or Engine::SYSTEM
     * @param array<string, mixed> $data the event's fields, as in its JSON form
     */
    public function __construct(
        public readonly int $seq,
        public readonly \DateTimeImmutable $at,
        public readonly int|string $actor,
        public readonly string $type,
        public readonly int $version,
        public readonly array $data,
    ) {
    }

    /** @param array<string, mixed> $json */
    public static function fromJson(array $json, \DateTimeZone $zone): self
    {
        return new self((int) $json['seq'], Convert::instantFrom((string) $json['at'], $zone), $json['actor'],
            (string) $json['type'], (int) $json['v'], (array) ($json['data'] ?? []));
    }
}

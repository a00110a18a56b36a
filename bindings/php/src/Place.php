<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * Where an opinion's issue is (issue 14, R04): WGS84 degrees and an optional address, the
 * "place" of submit_opinion and of the place queries. Range and finiteness are checked by the
 * library (lat -90..90, long -180..180, address at most 512 bytes): a bad place is an
 * InvalidArgumentException when the command or query runs, and nothing changes.
 */
final class Place
{
    public function __construct(
        public readonly float $lat,
        public readonly float $lon,
        public readonly string $address = '',
    ) {
    }

    /** The JSON form {"lat", "long", "address"} (address left out when empty). */
    public function toArray(): array
    {
        $a = ['lat' => $this->lat, 'long' => $this->lon];
        if ($this->address !== '') {
            $a['address'] = $this->address;
        }
        return $a;
    }

    /** @param array<string, mixed> $json a place the library returned */
    public static function fromJson(array $json): self
    {
        return new self((float) $json['lat'], (float) $json['long'], (string) ($json['address'] ?? ''));
    }
}

<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * The metadata of an evidence attachment (issue 14; docs/json.md "Evidence attachments") on
 * submit_opinion, write_reply and record_finding. The bytes go first into the engine's
 * attachment store (Engine::putAttachment, which returns the sha256); the library checks the
 * rest (name 1..512 bytes, a media type the profile allows, size within its limit, 64
 * lowercase hex digits, content present in the store) when the command runs.
 */
final class Attachment
{
    public function __construct(
        public readonly string $name,
        public readonly string $mediaType,
        public readonly int $size,
        public readonly string $sha256,
        public readonly bool $publishable = false,
    ) {
    }

    /** Metadata for bytes already put into the store: size and SHA-256 computed here. */
    public static function of(string $name, string $mediaType, string $bytes, bool $publishable = false): self
    {
        return new self($name, $mediaType, strlen($bytes), hash('sha256', $bytes), $publishable);
    }

    /** The JSON form {"name", "media_type", "size", "sha256", "publishable"}. */
    public function toArray(): array
    {
        return ['name' => $this->name, 'media_type' => $this->mediaType, 'size' => $this->size,
            'sha256' => $this->sha256, 'publishable' => $this->publishable];
    }

    /** @param array<string, mixed> $json an attachment the library returned */
    public static function fromJson(array $json): self
    {
        return new self((string) $json['name'], (string) $json['media_type'], (int) $json['size'],
            (string) $json['sha256'], (bool) ($json['publishable'] ?? false));
    }
}

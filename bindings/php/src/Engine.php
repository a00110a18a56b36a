<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * A doithoai engine opened through the C ABI (libdoithoai_c, docs/c-abi.md).
 *
 *   $engine = new Engine('bode.db', clock: new DateTimeImmutable('2022-09-30T08:00:00+07:00'));
 *   $ward = $engine->createUnit(Engine::SYSTEM, 'Phường Bồ Đề', 'xa');
 *   $engine->close();
 *
 * Typed methods cover the common commands and queries; execute() takes any command request
 * of docs/json.md and call() any dt_call method, so nothing of the engine is out of reach.
 * Ids are ints, dates and instants DateTimeImmutable (dates are passed as the calendar date
 * of the object in its own time zone, and returned as midnight in the profile's zone).
 *
 * Errors: every failure is a DoithoaiException subclass whose code is the stable status of
 * the C ABI (NotFoundException 1 ... UnsupportedException 8, OutOfMemoryException 64,
 * InternalException 65). Wrong PHP types are TypeErrors (strict_types). A failing command
 * changes nothing.
 *
 * Lifetime: close() closes the engine (idempotent); the destructor closes it too. Any call
 * after close() throws EngineClosedException. An Engine cannot be cloned or serialized.
 *
 * Events: PHP cannot receive the C ABI's subscriber callbacks safely (they run on the
 * engine's delivery thread, and PHP code must not run on a foreign thread), so the binding
 * does not expose dt_subscribe; it reads the log instead: events(), eventFeed() (docs/php.md).
 */
final class Engine
{
    /** The system actor (directory commands, imports). */
    public const SYSTEM = 'system';

    private readonly \FFI $ffi;
    private ?\FFI\CData $handle;
    /** Out-parameters reused by every call (PHP runs one call at a time per process). */
    private \FFI\CData $out;
    private \FFI\CData $outAddr;
    private \FFI\CData $err;
    private \FFI\CData $errAddr;
    private ?\DateTimeZone $zone = null;

    /**
     * Opens an engine.
     *
     * @param string $store ":memory:" (default), a SQLite file path, "sqlite:PATH" or a
     *                      "postgresql://..." URI
     * @param string|array<string, mixed>|null $profile a built-in profile's name (default
     *        "hanoi-2200"), a profile document as JSON text (starting with "{") or as an array
     * @param \DateTimeInterface|null $clock a manual clock starting at this instant (moved
     *        with setClock()); null: the system clock
     * @param array<string, mixed> $options further dt_engine_open options: snapshot_every,
     *        max_conflict_retries, past_states_cached, sqlite, import_jsonl (docs/c-abi.md)
     * @param string|null $library path of libdoithoai_c.so (default: Library::locate())
     */
    public function __construct(
        string $store = ':memory:',
        string|array|null $profile = null,
        ?\DateTimeInterface $clock = null,
        array $options = [],
        ?string $library = null,
    ) {
        $lib = Library::load($library);
        $this->ffi = $lib->ffi;
        $this->handle = null;
        $this->out = $this->ffi->new('char*');
        $this->outAddr = \FFI::addr($this->out);
        $this->err = $this->ffi->new('dt_error*');
        $this->errAddr = \FFI::addr($this->err);

        $opts = ['store' => $store] + $options;
        if (is_string($profile) && str_starts_with(ltrim($profile), '{')) {
            try {
                $opts['profile'] = json_decode($profile, false, 512, JSON_THROW_ON_ERROR);
            } catch (\JsonException $e) {
                throw new InvalidArgumentException("the profile is not valid JSON: {$e->getMessage()}", DoithoaiException::INVALID_ARGUMENT, $e);
            }
        } elseif ($profile !== null) {
            $opts['profile'] = $profile;
        }
        if ($clock !== null) {
            $opts['clock'] = Convert::instant($clock);
        }
        $json = Convert::cString(Convert::encode($opts, 'options'), 'options');
        if (str_contains($json, '\\u0000')) {
            // C would cut a path at the NUL and open another file than the one named.
            throw new InvalidArgumentException('the options contain a NUL character', DoithoaiException::INVALID_ARGUMENT);
        }
        $handle = $this->ffi->new('dt_engine*');
        $rc = $this->ffi->dt_engine_open($json, \FFI::addr($handle), $this->errAddr);
        $this->check($rc);
        $this->handle = $handle;
    }

    public function __destruct()
    {
        $this->close();
    }

    /** Closes the engine (what was committed is kept); later calls throw EngineClosedException. Idempotent. */
    public function close(): void
    {
        if (isset($this->handle)) { // isset: also an object made without the constructor (unserialize, reflection)
            $h = $this->handle;
            $this->handle = null;
            $this->ffi->dt_engine_close($h);
        }
    }

    public function isClosed(): bool
    {
        return !isset($this->handle);
    }

    private function __clone()
    {
    }

    public function __serialize(): array
    {
        throw new \LogicException('a Doithoai\Engine cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new \LogicException('a Doithoai\Engine cannot be unserialized');
    }

    // ---- raw access: every command and method ----

    /**
     * Executes one command. $request is the request of docs/json.md, as an array or JSON text:
     * ['actor' => 12 | Engine::SYSTEM, 'idempotency_key' => '...', 'command' => ['type' => 'assign', ...]].
     */
    public function execute(array|string $request): CommandResult
    {
        $json = is_string($request) ? $request : Convert::encode($request, 'request');
        return CommandResult::fromJson(Convert::decode($this->executeJson($json)));
    }

    /** dt_execute with JSON text in and out. */
    public function executeJson(string $request): string
    {
        $h = $this->live();
        Convert::cString($request, 'request');
        $rc = $this->ffi->dt_execute($h, $request, $this->outAddr, $this->errAddr);
        return $this->take($rc);
    }

    /**
     * Runs a dt_call method (docs/c-abi.md lists them) with its arguments as an array or a
     * JSON object text; returns the decoded answer (objects as arrays).
     */
    public function call(string $method, array|string $args = []): mixed
    {
        if (is_array($args) && isset($args['path']) && is_string($args['path'])) {
            Convert::cString($args['path'], 'path'); // export_jsonl, import_csv: C would cut the path at a NUL
        }
        return Convert::decode($this->callJson($method, is_string($args) ? $args : Convert::encode($args, 'arguments')));
    }

    /** dt_call with JSON text in and out. */
    public function callJson(string $method, string $args = '{}'): string
    {
        $h = $this->live();
        Convert::cString($method, 'method name');
        Convert::cString($args, 'arguments');
        $rc = $this->ffi->dt_call($h, $method, $args, $this->outAddr, $this->errAddr);
        return $this->take($rc);
    }

    // ---- commands ----

    /** Creates a unit (level "tinh", "huyen", "xa"...); returns its id. */
    public function createUnit(int|string $actor, string $name, string $level, ?int $parent = null, ?string $code = null,
        ?\DateTimeInterface $createdOn = null, ?string $idempotencyKey = null): int
    {
        return (int) $this->command($actor, ['type' => 'create_unit', 'name' => $name, 'level' => $level, 'parent' => $parent,
            'code' => $code, 'created_on' => Convert::date($createdOn)], $idempotencyKey)->id;
    }

    /** Creates an agency of a unit; returns its id. */
    public function createAgency(int|string $actor, int $unit, string $name, bool $department = false, ?string $code = null,
        ?string $idempotencyKey = null): int
    {
        return (int) $this->command($actor, ['type' => 'create_agency', 'unit' => $unit, 'name' => $name,
            'department' => $department, 'code' => $code], $idempotencyKey)->id;
    }

    /** Creates a mass organization of a unit (kind "women_union", ...); returns its id. */
    public function createOrganization(int|string $actor, int $unit, string $name, string $kind, ?string $code = null,
        ?string $idempotencyKey = null): int
    {
        return (int) $this->command($actor, ['type' => 'create_organization', 'unit' => $unit, 'name' => $name,
            'kind' => $kind, 'code' => $code], $idempotencyKey)->id;
    }

    /** Registers a person; returns the id. */
    public function registerPerson(int|string $actor, string $name, ?string $code = null, ?string $phone = null,
        ?string $citizenId = null, ?string $address = null, ?bool $consentPublic = null, ?string $idempotencyKey = null): int
    {
        return (int) $this->command($actor, ['type' => 'register_person', 'name' => $name, 'code' => $code, 'phone' => $phone,
            'citizen_id' => $citizenId, 'address' => $address, 'consent_public' => $consentPublic], $idempotencyKey)->id;
    }

    /** Grants a role ("office", "agency_head" with $agency, "organization_rep" with $organization, ...) in a unit. */
    public function grantRole(int|string $actor, int $person, string $role, int $unit, ?int $agency = null,
        ?int $organization = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'grant_role', 'person' => $person, 'role' => $role, 'unit' => $unit,
            'agency' => $agency, 'organization' => $organization], $idempotencyKey);
    }

    /** Plans a conference (R02, R03); returns its id. */
    public function planConference(int|string $actor, int $unit, string $kind, string $audience, \DateTimeInterface $plannedOn,
        ?\DateTimeInterface $noticedOn = null, ?string $planRef = null, ?string $idempotencyKey = null): int
    {
        return (int) $this->command($actor, ['type' => 'plan_conference', 'unit' => $unit, 'kind' => $kind,
            'audience' => $audience, 'planned_on' => Convert::date($plannedOn), 'noticed_on' => Convert::date($noticedOn),
            'plan_ref' => $planRef], $idempotencyKey)->id;
    }

    /** Records that a conference was held, chaired by $chairs (person ids). */
    public function holdConference(int|string $actor, int $conference, array $chairs, ?\DateTimeInterface $heldOn = null,
        ?string $report = null, ?int $attendance = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'hold_conference', 'conference' => $conference,
            'chairs' => array_values($chairs), 'held_on' => Convert::date($heldOn), 'report' => $report,
            'attendance' => $attendance], $idempotencyKey);
    }

    /** Issues the conference's conclusion notice. */
    public function issueConclusionNotice(int|string $actor, int $conference, string $number, string $text,
        ?\DateTimeInterface $issuedOn = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'issue_conclusion_notice', 'conference' => $conference, 'number' => $number,
            'text' => $text, 'issued_on' => Convert::date($issuedOn)], $idempotencyKey);
    }

    /** Closes a conference. */
    public function closeConference(int|string $actor, int $conference, ?\DateTimeInterface $on = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'close_conference', 'conference' => $conference,
            'on' => Convert::date($on)], $idempotencyKey);
    }

    /**
     * Submits an opinion holding one item per issue: $items is a list of
     * ['topic' => 'land', 'text' => '...']. The result's items are the new item ids.
     *
     * Issue 14: $place where the issue is (a Place, or ['lat' => .., 'long' => .., 'address' => ..]);
     * $attachments evidence metadata (Attachment objects or their arrays; the bytes put first
     * with putAttachment()); $withholdName true asks that the raiser's name be withheld from
     * public views. With neither $raisedBy nor $raisedByOrg the opinion is anonymous, allowed
     * only through the profile's anonymous channels (hanoi-2200: "mailbox", "collected_in_advance").
     * The opinion's tracking code: trackingCode($result->id).
     */
    public function submitOpinion(int|string $actor, int $unit, string $channel, array $items, ?int $conference = null,
        ?int $raisedBy = null, ?int $raisedByOrg = null, ?\DateTimeInterface $raisedOn = null,
        Place|array|null $place = null, ?array $attachments = null, ?bool $withholdName = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'submit_opinion', 'unit' => $unit, 'conference' => $conference,
            'channel' => $channel, 'raised_by' => $raisedBy, 'raised_by_org' => $raisedByOrg,
            'raised_on' => Convert::date($raisedOn), 'items' => self::itemSpecs($items),
            'place' => $place instanceof Place ? $place->toArray() : $place,
            'attachments' => self::attachments($attachments), 'withhold_name' => $withholdName], $idempotencyKey);
    }

    /**
     * The items of submitOpinion as JSON: an item's 'place' (a Place or its array) is its own
     * place (issue 14, R04), overriding the opinion's for that item.
     * @param list<array<string, mixed>> $items
     * @return list<array<string, mixed>>
     */
    private static function itemSpecs(array $items): array
    {
        $out = [];
        foreach ($items as $item) {
            if (is_array($item) && ($item['place'] ?? null) instanceof Place) {
                $item['place'] = $item['place']->toArray();
            }
            $out[] = $item;
        }
        return $out;
    }

    /**
     * Sets or corrects one item's place (issue 14, R04): by the heads or office of its unit or an
     * officer of the agency it is assigned to; refused on a merged or closed item. Placing an
     * item where it already is records nothing.
     */
    public function placeItem(int|string $actor, int $item, Place|array $place, ?\DateTimeInterface $on = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'place_item', 'item' => $item,
            'place' => $place instanceof Place ? $place->toArray() : $place, 'on' => Convert::date($on)], $idempotencyKey);
    }

    /** The chair answers an item at the conference (R06). */
    public function answerOnSpot(int|string $actor, int $item, int $answeredBy, string $gist,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'answer_on_spot', 'item' => $item, 'answered_by' => $answeredBy,
            'gist' => $gist], $idempotencyKey);
    }

    /** Merges a duplicate item into its original (R07). */
    public function mergeDuplicate(int|string $actor, int $item, int $into, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'merge_duplicate', 'item' => $item, 'into' => $into], $idempotencyKey);
    }

    /** Assigns an item to an agency (R08); $deadline only to set an earlier one than the profile's. */
    public function assign(int|string $actor, int $item, int $agency, ?\DateTimeInterface $deadline = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'assign', 'item' => $item, 'agency' => $agency,
            'deadline' => Convert::date($deadline)], $idempotencyKey);
    }

    /** Writes the agency's reply to an item (R10), with evidence $attachments (Attachment objects or arrays). */
    public function writeReply(int|string $actor, int $item, string $number, int $signer, string $text,
        ?\DateTimeInterface $date = null, ?array $attachments = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'write_reply', 'item' => $item, 'number' => $number, 'signer' => $signer,
            'text' => $text, 'date' => Convert::date($date), 'attachments' => self::attachments($attachments)], $idempotencyKey);
    }

    /** Records a delivery of the reply ("party_head", "government_head", "front_chair", "raiser"). */
    public function recordDelivery(int|string $actor, int $item, string $recipient, ?\DateTimeInterface $on = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'record_delivery', 'item' => $item, 'recipient' => $recipient,
            'on' => Convert::date($on)], $idempotencyKey);
    }

    /** Escalates an item to a higher unit (R11); returns the new item there. */
    public function escalate(int|string $actor, int $item, int $toUnit, ?int $toAgency, string $proposal,
        \DateTimeInterface $raiserNotifiedOn, ?\DateTimeInterface $on = null, ?string $idempotencyKey = null): int
    {
        return (int) $this->command($actor, ['type' => 'escalate', 'item' => $item, 'to_unit' => $toUnit,
            'to_agency' => $toAgency, 'proposal' => $proposal, 'on' => Convert::date($on),
            'raiser_notified_on' => Convert::date($raiserNotifiedOn)], $idempotencyKey)->id;
    }

    /** Extends an item's deadline with a written notice (R12). */
    public function extend(int|string $actor, int $item, \DateTimeInterface $deadline, string $noticeNumber,
        \DateTimeInterface $noticeDate, string $reason, ?int $agency = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'extend', 'item' => $item, 'deadline' => Convert::date($deadline),
            'notice_number' => $noticeNumber, 'notice_date' => Convert::date($noticeDate), 'agency' => $agency,
            'reason' => $reason], $idempotencyKey);
    }

    /** Records a supervision finding (R14), with evidence $attachments (Attachment objects or arrays). */
    public function recordFinding(int|string $actor, int $item, string $text, bool $satisfactory,
        ?\DateTimeInterface $on = null, ?array $attachments = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'record_finding', 'item' => $item, 'text' => $text,
            'satisfactory' => $satisfactory, 'on' => Convert::date($on), 'attachments' => self::attachments($attachments)],
            $idempotencyKey);
    }

    /** Reopens a resolved item (R14). */
    public function reopen(int|string $actor, int $item, string $reason, ?\DateTimeInterface $deadline = null,
        ?\DateTimeInterface $on = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'reopen', 'item' => $item, 'reason' => $reason,
            'deadline' => Convert::date($deadline), 'on' => Convert::date($on)], $idempotencyKey);
    }

    /** Closes a resolved item (R14). */
    public function closeItem(int|string $actor, int $item, string $note, ?\DateTimeInterface $on = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'close_item', 'item' => $item, 'note' => $note,
            'on' => Convert::date($on)], $idempotencyKey);
    }

    /** Approves a draft reply where the profile asks for review (R13, R14; "reply_review"). */
    public function approveReply(int|string $actor, int $item, string $note = '', ?\DateTimeInterface $on = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'approve_reply', 'item' => $item, 'note' => $note,
            'on' => Convert::date($on)], $idempotencyKey);
    }

    /** Returns a draft reply to the agency for rework, with the reason (R13, R14). */
    public function returnReply(int|string $actor, int $item, string $reason, ?\DateTimeInterface $on = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'return_reply', 'item' => $item, 'reason' => $reason,
            'on' => Convert::date($on)], $idempotencyKey);
    }

    /**
     * The raiser rates the delivered reply (issue 14, R10): $rating "satisfied",
     * "partly_satisfied" or "not_satisfied"; a $comment is required unless satisfied. A
     * not-satisfied rating puts the item on supervisionList() until the Front records a finding.
     */
    public function recordSatisfaction(int|string $actor, int $item, string $rating, ?string $comment = null,
        ?\DateTimeInterface $on = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'record_satisfaction', 'item' => $item, 'rating' => $rating,
            'comment' => $comment, 'on' => Convert::date($on)], $idempotencyKey);
    }

    /** Issues the outbox's reminders of a day (issue 15; R03, R09, R13, R15); $on default today. */
    public function issueReminders(int|string $actor, ?\DateTimeInterface $on = null, ?int $limit = null,
        ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'issue_reminders', 'on' => Convert::date($on), 'limit' => $limit],
            $idempotencyKey);
    }

    /** Records a delivery attempt of a notice (issue 15): $outcome "delivered" or "failed". */
    public function acknowledgeNotice(int|string $actor, int $notice, string $outcome, ?string $detail = null,
        ?\DateTimeInterface $on = null, ?string $idempotencyKey = null): CommandResult
    {
        return $this->command($actor, ['type' => 'acknowledge_notice', 'notice' => $notice, 'outcome' => $outcome,
            'detail' => $detail, 'on' => Convert::date($on)], $idempotencyKey);
    }

    /**
     * Bulk submission (dt_call "import_opinions"): $rows are submit_opinion commands as arrays
     * (the "type" may be left out), each committed on its own. $onError "raise" (default)
     * stops at the first failing row with its exception (the rows before stay committed; the
     * message names the start_row to go on from); "skip" lists failures in the report. With
     * $idempotencyPrefix each row's key is prefix + row number, so running it again is safe.
     */
    public function importOpinions(int|string $actor, array $rows, string $onError = 'raise',
        ?string $idempotencyPrefix = null, ?int $startRow = null): ImportReport
    {
        $args = ['actor' => self::actor($actor), 'rows' => array_values($rows), 'on_error' => $onError];
        if ($idempotencyPrefix !== null) {
            $args['idempotency_prefix'] = $idempotencyPrefix;
        }
        if ($startRow !== null) {
            $args['start_row'] = $startRow;
        }
        return ImportReport::fromJson($this->call('import_opinions', $args));
    }

    /**
     * Bulk submission from a CSV file (dt_call "import_csv"; RFC 4180, UTF-8, BOM allowed):
     * columns topic and text (required), unit (id or code), conference, channel, raised_by (id
     * or person code), raised_by_org, raised_on, opinion (consecutive rows with one key are one
     * opinion). $unit, $conference, $channel and $raisedOn are defaults for missing cells. Rows
     * are the file's lines (the header is line 1); $onError, $idempotencyPrefix (prefix + line)
     * and $startRow as in importOpinions().
     */
    public function importCsv(int|string $actor, string $path, ?int $unit = null, ?int $conference = null,
        ?string $channel = null, ?\DateTimeInterface $raisedOn = null, string $onError = 'raise',
        ?string $idempotencyPrefix = null, ?int $startRow = null): ImportReport
    {
        $args = ['actor' => self::actor($actor), 'path' => $path, 'unit' => $unit, 'conference' => $conference,
            'channel' => $channel, 'raised_on' => Convert::date($raisedOn), 'on_error' => $onError,
            'idempotency_prefix' => $idempotencyPrefix, 'start_row' => $startRow];
        return ImportReport::fromJson($this->call('import_csv', array_filter($args, static fn ($v) => $v !== null)));
    }

    // ---- queries ----

    /** An entity as its JSON form (docs/json.md, Entities): $kind is "item", "unit", "agency", "organization", "person", "conference" or "opinion". */
    public function entity(string $kind, int $id): array
    {
        if (!in_array($kind, ['item', 'unit', 'agency', 'organization', 'person', 'conference', 'opinion'], true)) {
            throw new InvalidArgumentException("unknown entity kind '$kind'", DoithoaiException::INVALID_ARGUMENT);
        }
        return $this->call($kind, ['id' => $id]);
    }

    /** The item with all its fields (status, deadlines, agency, reply, extensions, ...). */
    public function item(int $id): array
    {
        return $this->call('item', ['id' => $id]);
    }

    /** The item's status: "open", "assigned", "replied", "closed", "merged", ... */
    public function itemStatus(int $id): string
    {
        return $this->call('item_status', ['id' => $id]);
    }

    /** The item's current deadline (null when it has none). */
    public function deadline(int $item): ?\DateTimeImmutable
    {
        return Convert::dateFrom($this->item($item)['deadline'] ?? null, $this->zone());
    }

    /** Why the item's deadline is what it is (R09, R12): source, rule, original deadline, ... */
    public function explainDeadline(int $item): array
    {
        return $this->call('explain_deadline', ['item' => $item]);
    }

    /** "resolved", "not_yet_due" or "overdue" at the end of $asOf (R15). */
    public function standing(int $item, \DateTimeInterface $asOf): string
    {
        return $this->call('standing', ['item' => $item, 'as_of' => Convert::date($asOf)]);
    }

    /** The accounting of a unit's subtree at the end of $asOf, however far back (R15). */
    public function accounting(int $unit, \DateTimeInterface $asOf): Accounting
    {
        return Accounting::fromJson($this->call('accounting', ['unit' => $unit, 'as_of' => Convert::date($asOf)]), $this->zone());
    }

    /** @return list<int> items outstanding past their deadline at the end of $asOf, earliest first */
    public function overdue(\DateTimeInterface $asOf, int $limit = 100): array
    {
        return $this->call('overdue', ['as_of' => Convert::date($asOf), 'limit' => $limit]);
    }

    /** @return list<int> items due in [$from, $from + $days] */
    public function dueWithin(\DateTimeInterface $from, int $days, int $limit = 1000): array
    {
        return $this->call('due_within', ['from' => Convert::date($from), 'days' => $days, 'limit' => $limit]);
    }

    /**
     * Item ids matching every filter of the dt_call method "items" (unit, status, standing,
     * agency, topic, conference, ...); DateTimeInterface values are passed as dates.
     * With ['expand' => true] the items themselves.
     */
    public function items(array $filters = []): array
    {
        foreach ($filters as $k => $v) {
            if ($v instanceof \DateTimeInterface) {
                $filters[$k] = Convert::date($v);
            }
        }
        return $this->call('items', $filters);
    }

    /** The conference's reconciliation of collected and raised items (R07). */
    public function reconciliation(int $conference): array
    {
        return $this->call('reconciliation', ['conference' => $conference]);
    }

    /** The id of the unit, agency or person with this code ($kind "unit", "agency", "person"), or null. */
    public function find(string $kind, string $code): ?int
    {
        if (!in_array($kind, ['unit', 'agency', 'person'], true)) {
            throw new InvalidArgumentException("unknown kind '$kind' (unit, agency or person)", DoithoaiException::INVALID_ARGUMENT);
        }
        return $this->call('find_' . $kind, ['code' => $code]);
    }

    /** The report of a unit for a period (R16): $period as docs/c-abi.md, e.g. ['kind' => 'year', 'year' => 2022]. */
    public function report(int $unit, array $period, ?\DateTimeInterface $asOf = null): array
    {
        $args = ['unit' => $unit, 'period' => $period];
        if ($asOf !== null) {
            $args['as_of'] = Convert::date($asOf);
        }
        return $this->call('report', $args);
    }

    /** The opinion's tracking code (issue 14), e.g. "BD-2022-000001": what the raiser gives to track(). */
    public function trackingCode(int $opinion): string
    {
        return $this->call('opinion', ['id' => $opinion])['tracking_code'];
    }

    /**
     * An opinion's public status by its tracking code (issue 14; docs/json.md), redacted (R13):
     * ['schema', 'code', 'opinion', 'unit', 'unit_name', 'channel', 'raised_on', 'raised_by',
     * 'items' => [['id', 'topic', 'topic_label', 'status', 'status_label', 'deadline', ...]]];
     * $asOf a past day. A malformed code is an InvalidArgumentException, an unknown one NotFound.
     */
    public function track(string $code, ?\DateTimeInterface $asOf = null): array
    {
        $args = ['code' => $code];
        if ($asOf !== null) {
            $args['as_of'] = Convert::date($asOf);
        }
        return $this->call('track', $args);
    }

    /** The item's place (issue 14, R04), or null when its opinion has none. */
    public function itemPlace(int $item): ?Place
    {
        $p = $this->call('item_place', ['item' => $item]);
        return $p === null ? null : Place::fromJson($p);
    }

    /**
     * Items within $radiusM metres of a point, nearest first (issue 14): a list of ['item',
     * 'unit', 'status', 'topic', 'place' => ['lat', 'long', 'address'], 'distance_m'].
     * $unit its subtree, $status an item status, $asOf a past day, $limit 1..10000 (100).
     */
    public function itemsNear(float $lat, float $lon, float $radiusM, ?int $unit = null, ?string $status = null,
        ?\DateTimeInterface $asOf = null, ?int $limit = null): array
    {
        return $this->call('items_near', self::placeFilter(['lat' => $lat, 'long' => $lon, 'radius_m' => $radiusM],
            $unit, $status, $asOf, $limit));
    }

    /** Items placed in a box of degrees (west > east crosses the antimeridian), by id; entries as itemsNear(). */
    public function itemsInBox(float $south, float $west, float $north, float $east, ?int $unit = null,
        ?string $status = null, ?\DateTimeInterface $asOf = null, ?int $limit = null): array
    {
        return $this->call('items_in_box', self::placeFilter(['south' => $south, 'west' => $west, 'north' => $north,
            'east' => $east], $unit, $status, $asOf, $limit));
    }

    /** The latest rating of the item's reply (issue 14): ['item', 'rating', 'comment', 'on', 'awaiting_front'] or null. */
    public function satisfaction(int $item): ?array
    {
        return $this->call('satisfaction', ['item' => $item]);
    }

    /**
     * Items rated not satisfied and awaiting the Front at the end of $asOf (R14; issue 14): a
     * list of ['item', 'unit', 'agency', 'topic', 'status', 'rated_on', 'comment'].
     */
    public function supervisionList(\DateTimeInterface $asOf, ?int $unit = null): array
    {
        $args = ['as_of' => Convert::date($asOf)];
        if ($unit !== null) {
            $args['unit'] = $unit;
        }
        return $this->call('supervision_list', $args);
    }

    // ---- evidence attachments (issue 14) ----

    /**
     * Puts bytes (at least one) into the engine's attachment store (the "attachments" option of
     * the constructor) and returns their SHA-256 (64 lowercase hex digits); putting existing
     * content is a no-op. UnsupportedException when the engine has no attachment store.
     */
    public function putAttachment(string $bytes): string
    {
        $h = $this->live();
        $n = strlen($bytes);
        $buf = null;
        if ($n > 0) {
            $buf = $this->ffi->new("char[$n]", false);
            \FFI::memcpy($buf, $bytes, $n);
        }
        try {
            $rc = $this->ffi->dt_attachment_put($h, $buf, $n, $this->outAddr, $this->errAddr);
        } finally {
            if ($buf !== null) {
                \FFI::free($buf);
            }
        }
        return $this->take($rc);
    }

    /** The bytes of a public attachment (R13: publishable, its reply published); anything else is NotFound. */
    public function publicAttachment(string $sha256): string
    {
        $h = $this->live();
        Convert::cString($sha256, 'sha256');
        $len = $this->ffi->new('size_t');
        $rc = $this->ffi->dt_public_attachment($h, $sha256, $this->outAddr, \FFI::addr($len), $this->errAddr);
        $this->check($rc);
        $bytes = \FFI::string($this->out, $len->cdata);
        $this->ffi->dt_free($this->out);
        return $bytes;
    }

    /**
     * Checks every attachment the log references against the store (R20): ['ok', 'checked',
     * 'references', 'problems' => [['kind' => 'missing'|'corrupt', 'sha256', 'name', 'owner', 'id']]].
     */
    public function verifyAttachments(): array
    {
        return $this->call('verify_attachments');
    }

    // ---- the notification outbox (issue 15) ----

    /**
     * Up to $limit (1..1000) pending notices, each leased for $leaseSeconds (1..86400) so that
     * another worker does not fetch it meanwhile; a list of notices as docs/json.md describes
     * ('id', 'kind', 'template_key', 'to', 'data', 'issued_on', 'due', 'rule', 'status', ...).
     */
    public function outboxFetch(int $limit = 10, int $leaseSeconds = 60): array
    {
        return $this->call('outbox_fetch', ['limit' => $limit, 'lease_seconds' => $leaseSeconds]);
    }

    /**
     * Acknowledges a delivery attempt of a fetched notice ($outcome "delivered" or "failed"); a
     * notice delivered already records nothing (the result's firstSeq is 0).
     */
    public function outboxAck(int $notice, string $outcome, ?string $detail = null, ?\DateTimeInterface $on = null): CommandResult
    {
        $args = ['notice' => $notice, 'outcome' => $outcome, 'detail' => $detail, 'on' => Convert::date($on)];
        return CommandResult::fromJson($this->call('outbox_ack', array_filter($args, static fn ($v) => $v !== null)));
    }

    /**
     * The notices as of the end of a day (default today): $status "pending", "delivered",
     * "late" or "failed"; $unit its subtree; $after a notice id to page from; $limit 1..100000.
     */
    public function outbox(?\DateTimeInterface $asOf = null, ?string $status = null, ?int $unit = null, ?int $after = null,
        ?int $limit = null): array
    {
        $args = ['as_of' => Convert::date($asOf), 'status' => $status, 'unit' => $unit, 'after' => $after, 'limit' => $limit];
        return $this->call('outbox', array_filter($args, static fn ($v) => $v !== null));
    }

    /** ['issued', 'delivered', 'late', 'pending', 'failed_attempts'] at the end of $asOf ($unit: its subtree). */
    public function outboxCounts(\DateTimeInterface $asOf, ?int $unit = null): array
    {
        $args = ['as_of' => Convert::date($asOf)];
        if ($unit !== null) {
            $args['unit'] = $unit;
        }
        return $this->call('outbox_counts', $args);
    }

    /** The hash chain check of a durable store: ['ok', 'checked', 'first_bad', 'problem', 'head']. */
    public function verify(): array
    {
        return $this->call('verify');
    }

    /** The sequence number of the last event. */
    public function lastSeq(): int
    {
        return $this->call('last_seq');
    }

    /** The engine's local date. */
    public function today(): \DateTimeImmutable
    {
        return Convert::dateFrom($this->call('today'), $this->zone());
    }

    /** Moves the manual clock (engines opened with `clock:`; else UnsupportedException). */
    public function setClock(\DateTimeInterface $now): void
    {
        $this->call('set_clock', ['now' => Convert::instant($now)]);
    }

    /** Reads what other writers appended to the store; returns the new last sequence. */
    public function catchUp(): int
    {
        return $this->call('catch_up');
    }

    // ---- events (polling; see the class comment) ----

    /** @return list<Event> up to $limit events with seq >= $from */
    public function events(int $from = 1, int $limit = 1000): array
    {
        $zone = $this->zone();
        return array_map(fn (array $e) => Event::fromJson($e, $zone), $this->call('events', ['from' => $from, 'limit' => $limit]));
    }

    /** @return list<Event> the history of one item, opinion or conference ($of: "item", "opinion", "conference") (R20) */
    public function history(string $of, int $id): array
    {
        $zone = $this->zone();
        return array_map(fn (array $e) => Event::fromJson($e, $zone), $this->call('history', [$of => $id]));
    }

    /**
     * A feed of the events committed after $after (default: the current last sequence, so
     * only new events, as a subscription would see them). EventFeed::poll() returns the
     * events since the previous poll; it calls catchUp() first when $catchUp is true, so
     * events appended by other engines on the same store are seen too.
     */
    public function eventFeed(?int $after = null, bool $catchUp = false): EventFeed
    {
        return new EventFeed($this, $after ?? $this->lastSeq(), $catchUp);
    }

    // ---- internals ----

    /** The profile's time zone (a fixed offset, e.g. +07:00). */
    public function zone(): \DateTimeZone
    {
        if ($this->zone === null) {
            $minutes = (int) ($this->call('profile')['zone_offset_minutes'] ?? 0);
            $this->zone = new \DateTimeZone(sprintf('%s%02d:%02d', $minutes < 0 ? '-' : '+', intdiv(abs($minutes), 60), abs($minutes) % 60));
        }
        return $this->zone;
    }

    private function command(int|string $actor, array $command, ?string $idempotencyKey): CommandResult
    {
        $request = ['actor' => self::actor($actor),
            'command' => array_filter($command, static fn ($v) => $v !== null)];
        if ($idempotencyKey !== null) {
            $request['idempotency_key'] = $idempotencyKey;
        }
        return $this->execute($request);
    }

    /** Attachment objects (or their arrays) as the JSON list; null when none. */
    private static function attachments(?array $list): ?array
    {
        if ($list === null || $list === []) {
            return null;
        }
        $out = [];
        foreach (array_values($list) as $k => $a) {
            if ($a instanceof Attachment) {
                $out[] = $a->toArray();
            } elseif (is_array($a)) {
                $out[] = $a;
            } else {
                throw new \TypeError("attachments[$k] must be a Doithoai\\Attachment or an array, " . get_debug_type($a) . ' given');
            }
        }
        return $out;
    }

    private static function placeFilter(array $args, ?int $unit, ?string $status, ?\DateTimeInterface $asOf, ?int $limit): array
    {
        $more = ['unit' => $unit, 'status' => $status, 'as_of' => Convert::date($asOf), 'limit' => $limit];
        return $args + array_filter($more, static fn ($v) => $v !== null);
    }

    private static function actor(int|string $actor): int|string
    {
        if (is_string($actor) && $actor !== self::SYSTEM) {
            throw new InvalidArgumentException("the actor is a person id or Engine::SYSTEM, not '$actor'", DoithoaiException::INVALID_ARGUMENT);
        }
        return $actor;
    }

    private function live(): \FFI\CData
    {
        return $this->handle ?? throw new EngineClosedException('the engine is closed', DoithoaiException::INVALID_ARGUMENT);
    }

    /** Throws the error of a failed call (freeing the error object). */
    private function check(int $rc): void
    {
        if ($rc === 0) {
            return;
        }
        $message = 'unknown error';
        $code = $rc;
        if (!\FFI::isNull($this->err)) {
            $code = $this->ffi->dt_error_code($this->err);
            $message = $this->ffi->dt_error_message($this->err);
            $this->ffi->dt_error_free($this->err);
        }
        throw DoithoaiException::fromStatus($code, $message);
    }

    /** The answer of a call: copied into a PHP string and freed with dt_free. */
    private function take(int $rc): string
    {
        $this->check($rc);
        $text = \FFI::string($this->out);
        $this->ffi->dt_free($this->out);
        return $text;
    }
}

<?php

declare(strict_types=1);

namespace Doithoai;

/**
 * Polls an engine's log for new events (Engine::eventFeed()): what a subscription delivers,
 * read on the caller's own thread. Every event is returned once, in sequence order.
 */
final class EventFeed
{
    /** @internal use Engine::eventFeed() */
    public function __construct(private readonly Engine $engine, private int $position, private readonly bool $catchUp)
    {
    }

    /** The sequence number of the last event returned (or the starting point). */
    public function position(): int
    {
        return $this->position;
    }

    /** @return list<Event> the events committed since the last poll, at most $limit */
    public function poll(int $limit = 1000): array
    {
        if ($this->catchUp) {
            $this->engine->catchUp();
        }
        $events = $this->engine->events($this->position + 1, $limit);
        if ($events !== []) {
            $this->position = $events[count($events) - 1]->seq;
        }
        return $events;
    }
}

package vn.doithoai;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command in the JSON form of docs/json.md: a type and its fields. The static factories
 * build the common commands with their required fields typed ({@code long} ids,
 * {@link LocalDate} dates, enums); {@link #with} adds an optional field (any value
 * {@link Json#write} accepts), and {@link #of} builds any other command by name:
 *
 * <pre>{@code
 * Command c = Command.createUnit("Phường Bồ Đề", "xa").with("parent", longBien).with("code", "HN-LB-BD");
 * Command d = Command.of("publish_reply").with("item", 7);
 * }</pre>
 *
 * A Command is a small mutable builder: {@code with} changes it and returns it. Values are
 * checked by the library when the command runs (an unknown field, a wrong type, an id out of
 * range or a date outside 1900..2199 is an InvalidArgumentException); a null required
 * argument is refused here.
 */
public final class Command {
  private final String type;
  private final LinkedHashMap<String, Object> fields = new LinkedHashMap<>();

  private Command(String type) {
    this.type = type;
  }

  /** A command of any type; add its fields with {@link #with}. */
  public static Command of(String type) {
    return new Command(need(type, "type"));
  }

  /** Sets a field (null writes JSON null, which means "none" or the default). */
  public Command with(String field, Object value) {
    need(field, "field name");
    if ("type".equals(field)) throw new InvalidArgumentException("Command.with: \"type\" is set by the factory");
    fields.put(field, value);
    return this;
  }

  public String type() {
    return type;
  }

  /** The fields set so far (read-only view). */
  public Map<String, Object> fields() {
    return Collections.unmodifiableMap(fields);
  }

  /** {"type": ..., fields...} */
  public String toJson() {
    StringBuilder b = new StringBuilder(64 + 32 * fields.size());
    appendJson(b);
    return b.toString();
  }

  void appendJson(StringBuilder b) {
    appendJson(b, true);
  }

  /** The JSON object, with or without its "type" (import rows leave it out: it is implied). */
  void appendJson(StringBuilder b, boolean withType) {
    b.append('{');
    boolean first = true;
    if (withType) {
      b.append("\"type\":");
      Json.quote(b, type);
      first = false;
    }
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!first) b.append(',');
      first = false;
      Json.quote(b, e.getKey());
      b.append(':');
      Json.write(b, e.getValue(), 1);
    }
    b.append('}');
  }

  @Override
  public String toString() {
    return toJson();
  }

  static <T> T need(T v, String what) {
    if (v == null) throw new InvalidArgumentException(what + " is null");
    return v;
  }

  /**
   * Where the issue is (submit_opinion, issue 14, R04): sets "place". Range is checked when
   * the command runs (InvalidArgumentException); NaN and infinities when it is written.
   */
  public Command place(Place place) {
    return put("place", need(place, "place"));
  }

  /**
   * Evidence attachments (submit_opinion, write_reply, record_finding; issue 14): sets
   * "attachments" (an empty list leaves the field out). Put the bytes first with
   * {@link Engine#putAttachment}.
   */
  public Command attachments(List<Attachment> attachments) {
    need(attachments, "attachments");
    for (Attachment a : attachments) need(a, "an attachment of attachments");
    if (attachments.isEmpty()) {
      fields.remove("attachments");
      return this;
    }
    return put("attachments", List.copyOf(attachments));
  }

  /** Evidence attachments, as {@link #attachments(List)}. */
  public Command attachments(Attachment... attachments) {
    return attachments(java.util.Arrays.asList(need(attachments, "attachments")));
  }

  /** submit_opinion: the raiser asks that their name be withheld from public views (issue 14, R13). */
  public Command withholdName() {
    return put("withhold_name", true);
  }

  private Command put(String k, Object v) {
    fields.put(k, v);
    return this;
  }

  // ---------------------------------------------------------------- directory (R01, R19)

  /** create_unit: level "tinh", "huyen" or "xa"; optional: parent, code, created_on, remote. */
  public static Command createUnit(String name, String level) {
    return new Command("create_unit").put("name", need(name, "name")).put("level", need(level, "level"));
  }

  /** create_unit under a parent unit, with a code (null: none). */
  public static Command createUnit(String name, String level, long parent, String code) {
    Command c = createUnit(name, level).put("parent", parent);
    return code == null ? c : c.put("code", code);
  }

  /** create_agency; department: a department of a district or province; code may be null. */
  public static Command createAgency(long unit, String name, boolean department, String code) {
    Command c = new Command("create_agency").put("unit", unit).put("name", need(name, "name")).put("department", department);
    return code == null ? c : c.put("code", code);
  }

  /** create_organization; kind e.g. "women_union", "veterans_association". */
  public static Command createOrganization(long unit, String name, String kind) {
    return new Command("create_organization").put("unit", unit).put("name", need(name, "name")).put("kind", need(kind, "kind"));
  }

  /** register_person; optional: code, phone, citizen_id, address, consent_public. */
  public static Command registerPerson(String name) {
    return new Command("register_person").put("name", need(name, "name"));
  }

  /** grant_role in a unit. */
  public static Command grantRole(long person, Role role, long unit) {
    return new Command("grant_role").put("person", person).put("role", need(role, "role")).put("unit", unit);
  }

  /** grant_role of an agency role (agency_head, agency_officer). */
  public static Command grantAgencyRole(long person, Role role, long unit, long agency) {
    return grantRole(person, role, unit).put("agency", agency);
  }

  /** grant_role organization_rep for an organization. */
  public static Command grantOrganizationRep(long person, long unit, long organization) {
    return grantRole(person, Role.ORGANIZATION_REP, unit).put("organization", organization);
  }

  /** revoke_role. */
  public static Command revokeRole(long person, Role role, long unit) {
    return new Command("revoke_role").put("person", person).put("role", need(role, "role")).put("unit", unit);
  }

  // ---------------------------------------------------------------- conferences (R02, R03, R05)

  /** plan_conference; audience e.g. "all_residents"; optional: noticed_on (today), department, topic, code, format, cluster. */
  public static Command planConference(long unit, ConferenceKind kind, String audience, LocalDate plannedOn, String planRef) {
    Command c = new Command("plan_conference").put("unit", unit).put("kind", need(kind, "kind"))
        .put("audience", need(audience, "audience")).put("planned_on", need(plannedOn, "plannedOn"));
    return planRef == null ? c : c.put("plan_ref", planRef);
  }

  /** hold_conference (held today unless held_on is set); report may be null. */
  public static Command holdConference(long conference, List<Long> chairs, String report) {
    Command c = new Command("hold_conference").put("conference", conference).put("chairs", ids(chairs, "chairs"));
    return report == null ? c : c.put("report", report);
  }

  /** issue_conclusion_notice (issued today unless issued_on is set). */
  public static Command issueConclusionNotice(long conference, String number, String text) {
    return new Command("issue_conclusion_notice").put("conference", conference).put("number", need(number, "number"))
        .put("text", need(text, "text"));
  }

  /** close_conference. */
  public static Command closeConference(long conference) {
    return new Command("close_conference").put("conference", conference);
  }

  // ---------------------------------------------------------------- opinions and items (R04..R14)

  /**
   * submit_opinion raised by a person (raisedBy) through a channel; conference 0 for none.
   * For an opinion raised by an organization use {@link #submitOpinionByOrganization}.
   */
  public static Command submitOpinion(long unit, long conference, Channel channel, long raisedBy, List<ItemSpec> items) {
    return opinion(unit, conference, channel, items).put("raised_by", raisedBy);
  }

  /** submit_opinion raised by an organization of the unit (collected in advance, R04). */
  public static Command submitOpinionByOrganization(long unit, long conference, Channel channel, long organization,
      List<ItemSpec> items) {
    return opinion(unit, conference, channel, items).put("raised_by_org", organization);
  }

  private static Command opinion(long unit, long conference, Channel channel, List<ItemSpec> items) {
    Command c = new Command("submit_opinion").put("unit", unit);
    if (conference != 0) c.put("conference", conference);
    c.put("channel", need(channel, "channel"));
    need(items, "items");
    List<Object> list = new ArrayList<>(items.size());
    for (ItemSpec s : items) {
      need(s, "an item of items");
      Map<String, Object> m = new LinkedHashMap<>(4);
      m.put("topic", s.topic());
      m.put("text", s.text());
      if (s.place() != null) m.put("place", s.place());
      list.add(m);
    }
    return c.put("items", list);
  }

  /**
   * submit_opinion without a raiser: an anonymous opinion (issue 14, R04), accepted only
   * through the profile's anonymous channels (hanoi-2200: MAILBOX, COLLECTED_IN_ADVANCE;
   * otherwise an InvalidArgumentException). Its reply reaches the raiser by public posting.
   */
  public static Command submitAnonymousOpinion(long unit, long conference, Channel channel, List<ItemSpec> items) {
    return opinion(unit, conference, channel, items);
  }

  /** answer_on_spot: a chair answers at the conference (R06). */
  public static Command answerOnSpot(long item, long answeredBy, String gist) {
    return new Command("answer_on_spot").put("item", item).put("answered_by", answeredBy).put("gist", need(gist, "gist"));
  }

  /** merge_duplicate: item duplicates into (R07). */
  public static Command mergeDuplicate(long item, long into) {
    return new Command("merge_duplicate").put("item", item).put("into", into);
  }

  /** assign to an agency with the profile's deadline (R08, R09). */
  public static Command assign(long item, long agency) {
    return new Command("assign").put("item", item).put("agency", agency);
  }

  /** assign with an earlier deadline than the profile's. */
  public static Command assign(long item, long agency, LocalDate deadline) {
    return assign(item, agency).put("deadline", need(deadline, "deadline"));
  }

  /** write_reply (dated today unless date is set) signed by signer (R10). */
  public static Command writeReply(long item, String number, long signer, String text) {
    return new Command("write_reply").put("item", item).put("number", need(number, "number")).put("signer", signer)
        .put("text", need(text, "text"));
  }

  /** record_delivery of the written reply to one recipient (today unless on is set). */
  public static Command recordDelivery(long item, Recipient recipient) {
    return new Command("record_delivery").put("item", item).put("recipient", need(recipient, "recipient"));
  }

  /** escalate to a higher unit's agency (R11); raiserNotifiedOn is required. */
  public static Command escalate(long item, long toUnit, long toAgency, String proposal, LocalDate raiserNotifiedOn) {
    return new Command("escalate").put("item", item).put("to_unit", toUnit).put("to_agency", toAgency)
        .put("proposal", need(proposal, "proposal")).put("raiser_notified_on", need(raiserNotifiedOn, "raiserNotifiedOn"));
  }

  /** extend the deadline with a written notice (R12). */
  public static Command extend(long item, LocalDate deadline, String noticeNumber, LocalDate noticeDate, String reason) {
    return new Command("extend").put("item", item).put("deadline", need(deadline, "deadline"))
        .put("notice_number", need(noticeNumber, "noticeNumber")).put("notice_date", need(noticeDate, "noticeDate"))
        .put("reason", need(reason, "reason"));
  }

  /** record_finding of the supervising Front (R14). */
  public static Command recordFinding(long item, String text, boolean satisfactory) {
    return new Command("record_finding").put("item", item).put("text", need(text, "text")).put("satisfactory", satisfactory);
  }

  /** reopen an item whose result was not satisfactory (R14). */
  public static Command reopen(long item, String reason) {
    return new Command("reopen").put("item", item).put("reason", need(reason, "reason"));
  }

  /** close_item (R14). */
  public static Command closeItem(long item, String note) {
    return new Command("close_item").put("item", item).put("note", need(note, "note"));
  }

  /** approve_reply: the reviewer approves a draft reply (R13, R14; profile "reply_review"). */
  public static Command approveReply(long item) {
    return new Command("approve_reply").put("item", item);
  }

  /** return_reply: the reviewer returns a draft reply for rework, with the reason (R13, R14). */
  public static Command returnReply(long item, String reason) {
    return new Command("return_reply").put("item", item).put("reason", need(reason, "reason"));
  }

  /**
   * record_satisfaction: the raiser rates the delivered reply (issue 14, R10; today unless on
   * is set). comment may be null when satisfied, and is required otherwise. Not satisfied puts
   * the item on the Front's {@link Engine#supervisionList} until it records a finding (R14).
   */
  public static Command recordSatisfaction(long item, Satisfaction rating, String comment) {
    Command c = new Command("record_satisfaction").put("item", item).put("rating", need(rating, "rating"));
    return comment == null ? c : c.put("comment", comment);
  }

  /**
   * place_item: sets or corrects one item's place (issue 14, R04), by the heads or office of its
   * unit or an officer of the agency it is assigned to; refused on a merged or closed item.
   * Placing an item where it already is records nothing. Set "on" with {@link #with}.
   */
  public static Command placeItem(long item, Place place) {
    return new Command("place_item").put("item", item).put("place", need(place, "place"));
  }

  /** issue_reminders: the outbox's reminders of today (issue 15; set "on" or "limit" with {@link #with}). */
  public static Command issueReminders() {
    return new Command("issue_reminders");
  }

  /** acknowledge_notice: a delivery attempt of an outbox notice (issue 15); detail may be null. */
  public static Command acknowledgeNotice(long notice, DeliveryOutcome outcome, String detail) {
    Command c = new Command("acknowledge_notice").put("notice", notice).put("outcome", need(outcome, "outcome"));
    return detail == null ? c : c.put("detail", detail);
  }

  private static List<Long> ids(List<Long> ids, String what) {
    need(ids, what);
    for (Long id : ids) need(id, "an id of " + what);
    return List.copyOf(ids);
  }
}

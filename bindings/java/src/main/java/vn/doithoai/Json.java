package vn.doithoai;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer (RFC 8259), so the binding needs no JSON library.
 *
 * <p>Reading: objects become {@code Map<String, Object>} (insertion-ordered, unmodifiable),
 * arrays {@code List<Object>} (unmodifiable), strings {@code String}, {@code true}/{@code false}
 * {@code Boolean}, {@code null} Java {@code null}, integers {@code Long} (or {@code BigInteger}
 * beyond the range of long) and other numbers {@code BigDecimal}. Refused, with an
 * {@link InvalidArgumentException}: trailing commas, leading zeros, bare control characters in
 * strings, invalid escapes and lone surrogates, duplicate keys, text after the value, and
 * nesting deeper than {@link #MAX_DEPTH}.
 *
 * <p>Writing: {@code Map} (keys must be strings), {@code Collection}, arrays of objects,
 * {@code String}, {@code Boolean}, integral numbers, {@code BigDecimal}, finite doubles, {@code null},
 * {@link LocalDate} ({@code "2022-09-30"}), {@link Instant} and {@link OffsetDateTime}
 * (UTC, microseconds: {@code "2022-09-30T07:00:00.000000Z"}), {@link Json.Raw} (JSON text
 * inserted as is), {@link Wire} enums (their wire name) and {@link Value}s (their JSON form). Strings are written as UTF-8-safe
 * JSON: quotes, backslashes and control characters escaped; a lone surrogate is refused.
 */
public final class Json {
  /** Deepest nesting accepted by {@link #parse} (the library's own limit is 64). */
  public static final int MAX_DEPTH = 256;

  private Json() {}

  /** JSON text written as is by {@link #write} (the caller vouches it is one valid value). */
  public record Raw(String json) {}

  /** Enums with a snake_case wire name. */
  public interface Wire {
    String wireName();
  }

  /** Values with a JSON form (a Map, List, ... that {@link #write} accepts), e.g. {@link Place}, {@link Attachment}. */
  public interface Value {
    Object jsonValue();
  }

  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  // ------------------------------------------------------------------ writing

  /** The JSON text of value (see the class comment for the types accepted). */
  public static String write(Object value) {
    StringBuilder b = new StringBuilder(64);
    write(b, value, 0);
    return b.toString();
  }

  static void write(StringBuilder b, Object v, int depth) {
    if (depth > MAX_DEPTH) throw new InvalidArgumentException("JSON value nests deeper than " + MAX_DEPTH + " levels");
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      quote(b, s);
    } else if (v instanceof Boolean bo) {
      b.append(bo.booleanValue() ? "true" : "false");
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      b.append(v.toString());
    } else if (v instanceof BigDecimal d) {
      b.append(d.toString());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) throw new InvalidArgumentException("JSON has no " + d);
      b.append(BigDecimal.valueOf(d).toString());
    } else if (v instanceof LocalDate d) {
      quote(b, d.toString());
    } else if (v instanceof Instant i) {
      quote(b, formatInstant(i));
    } else if (v instanceof OffsetDateTime o) {
      quote(b, formatInstant(o.toInstant()));
    } else if (v instanceof Raw r) {
      if (r.json() == null) throw new InvalidArgumentException("Json.Raw holds null");
      // What write() produces never holds a NUL or a lone surrogate (quote() sees to strings),
      // so callers may hand it to C without another scan: a Raw value is held to the same.
      DtNative.cstr(r.json(), "Json.Raw");
      b.append(r.json());
    } else if (v instanceof Wire w) {
      quote(b, w.wireName());
    } else if (v instanceof Value x) {
      write(b, x.jsonValue(), depth + 1);
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) throw new InvalidArgumentException("JSON object keys are strings, not " + e.getKey());
        if (!first) b.append(',');
        first = false;
        quote(b, k);
        b.append(':');
        write(b, e.getValue(), depth + 1);
      }
      b.append('}');
    } else if (v instanceof Collection<?> c) {
      b.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) b.append(',');
        first = false;
        write(b, o, depth + 1);
      }
      b.append(']');
    } else if (v instanceof Object[] a) {
      write(b, java.util.Arrays.asList(a), depth);
    } else {
      throw new InvalidArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
    }
  }

  /** "2022-09-30T07:00:00.000000Z": the library's form of an instant. */
  public static String formatInstant(Instant i) {
    try {
      return INSTANT.format(i);
    } catch (java.time.DateTimeException ex) {
      throw new InvalidArgumentException("instant out of range: " + i);
    }
  }

  /** Appends s as a JSON string; refuses a lone surrogate (it has no UTF-8 form). */
  static void quote(StringBuilder b, String s) {
    b.append('"');
    final int n = s.length();
    int run = 0;  // start of the characters not yet appended
    for (int k = 0; k < n; ++k) {
      char c = s.charAt(k);
      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE))
        continue;  // the common case: copied with its run below
      b.append(s, run, k);
      run = k + 1;
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (Character.isHighSurrogate(c) && k + 1 < n && Character.isLowSurrogate(s.charAt(k + 1))) {
            b.append(c).append(s.charAt(++k));
            run = k + 1;
          } else if (Character.isSurrogate(c)) {
            throw new InvalidArgumentException("string holds a lone surrogate at index " + k + " (not valid Unicode)");
          } else {
            b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
          }
        }
      }
    }
    b.append(s, run, n).append('"');
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  // ------------------------------------------------------------------ reading

  /** Parses one JSON value (see the class comment); malformed text is an InvalidArgumentException. */
  public static Object parse(String text) {
    if (text == null) throw new InvalidArgumentException("JSON text is null");
    Parser p = new Parser(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.pos != text.length()) throw p.error("text after the JSON value");
    return v;
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    InvalidArgumentException error(String what) {
      return new InvalidArgumentException("malformed JSON at offset " + pos + ": " + what);
    }

    void ws() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') ++pos;
        else break;
      }
    }

    char peek() {
      if (pos >= s.length()) throw error("unexpected end");
      return s.charAt(pos);
    }

    Object value(int depth) {
      char c = peek();
      switch (c) {
        case '{':
          return object(depth + 1);
        case '[':
          return array(depth + 1);
        case '"':
          return string();
        case 't':
          literal("true");
          return Boolean.TRUE;
        case 'f':
          literal("false");
          return Boolean.FALSE;
        case 'n':
          literal("null");
          return null;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) return number();
          throw error("unexpected character '" + c + "'");
      }
    }

    void literal(String word) {
      if (!s.startsWith(word, pos)) throw error("expected " + word);
      pos += word.length();
    }

    Map<String, Object> object(int depth) {
      if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
      ++pos;
      Map<String, Object> m = new LinkedHashMap<>();
      ws();
      if (peek() == '}') {
        ++pos;
        return Collections.unmodifiableMap(m);
      }
      while (true) {
        ws();
        if (peek() != '"') throw error("expected a key");
        String k = string();
        ws();
        if (peek() != ':') throw error("expected ':'");
        ++pos;
        ws();
        Object v = value(depth);
        if (m.containsKey(k)) throw error("duplicate key \"" + k + "\"");
        m.put(k, v);
        ws();
        char c = peek();
        ++pos;
        if (c == '}') return Collections.unmodifiableMap(m);
        if (c != ',') throw error("expected ',' or '}'");
      }
    }

    List<Object> array(int depth) {
      if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
      ++pos;
      List<Object> a = new ArrayList<>();
      ws();
      if (peek() == ']') {
        ++pos;
        return Collections.unmodifiableList(a);
      }
      while (true) {
        ws();
        a.add(value(depth));
        ws();
        char c = peek();
        ++pos;
        if (c == ']') return Collections.unmodifiableList(a);
        if (c != ',') throw error("expected ',' or ']'");
      }
    }

    String string() {
      ++pos;  // the opening quote
      StringBuilder b = null;
      int start = pos;
      while (true) {
        if (pos >= s.length()) throw error("unterminated string");
        char c = s.charAt(pos);
        if (c == '"') {
          String out = b == null ? s.substring(start, pos) : b.append(s, start, pos).toString();
          ++pos;
          return out;
        }
        if (c < 0x20) throw error("control character in a string");
        if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c) && pos + 1 < s.length() && Character.isLowSurrogate(s.charAt(pos + 1))) {
            pos += 2;
            continue;
          }
          throw error("lone surrogate in a string");
        }
        if (c != '\\') {
          ++pos;
          continue;
        }
        if (b == null) b = new StringBuilder();
        b.append(s, start, pos);
        ++pos;
        char e = peek();
        ++pos;
        switch (e) {
          case '"' -> b.append('"');
          case '\\' -> b.append('\\');
          case '/' -> b.append('/');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            char u = hex4();
            if (Character.isHighSurrogate(u)) {
              if (!s.startsWith("\\u", pos)) throw error("lone surrogate escape");
              pos += 2;
              char low = hex4();
              if (!Character.isLowSurrogate(low)) throw error("lone surrogate escape");
              b.append(u).append(low);
            } else if (Character.isLowSurrogate(u)) {
              throw error("lone surrogate escape");
            } else {
              b.append(u);
            }
          }
          default -> throw error("invalid escape \\" + e);
        }
        start = pos;
      }
    }

    char hex4() {
      if (pos + 4 > s.length()) throw error("short \\u escape");
      int v = 0;
      for (int k = 0; k < 4; ++k) {
        int d = Character.digit(s.charAt(pos + k), 16);
        if (d < 0 || s.charAt(pos + k) > 'f') throw error("bad \\u escape");
        v = v * 16 + d;
      }
      pos += 4;
      return (char) v;
    }

    Object number() {
      int start = pos;
      if (s.charAt(pos) == '-') ++pos;
      if (pos >= s.length()) throw error("bad number");
      char c = s.charAt(pos);
      if (c == '0') {
        ++pos;
      } else if (c >= '1' && c <= '9') {
        while (pos < s.length() && isDigit(s.charAt(pos))) ++pos;
      } else {
        throw error("bad number");
      }
      boolean integral = true;
      if (pos < s.length() && s.charAt(pos) == '.') {
        integral = false;
        ++pos;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("bad fraction");
        while (pos < s.length() && isDigit(s.charAt(pos))) ++pos;
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        integral = false;
        ++pos;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) ++pos;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("bad exponent");
        while (pos < s.length() && isDigit(s.charAt(pos))) ++pos;
      }
      String t = s.substring(start, pos);
      if (!integral) {
        try {
          return new BigDecimal(t);
        } catch (NumberFormatException | ArithmeticException ex) {
          throw error("number out of range");
        }
      }
      if (t.length() <= 18) return Long.parseLong(t);
      BigInteger big = new BigInteger(t);
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }

  // ------------------------------------------------------------------ typed access (binding use)

  @SuppressWarnings("unchecked")
  static Map<String, Object> obj(Object v, String what) {
    if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
    throw new InternalException("expected a JSON object for " + what + ", got " + v);
  }

  @SuppressWarnings("unchecked")
  static List<Object> arr(Object v, String what) {
    if (v instanceof List<?> l) return (List<Object>) l;
    throw new InternalException("expected a JSON array for " + what + ", got " + v);
  }

  static long lng(Object v, String what) {
    if (v instanceof Long l) return l;
    throw new InternalException("expected an integer for " + what + ", got " + v);
  }

  static long lng(Map<String, Object> m, String key) {
    return lng(m.get(key), key);
  }

  /** An id field: 0 for null (none). */
  static long id(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? 0 : lng(v, key);
  }

  static double dbl(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof Number n) return n.doubleValue();
    throw new InternalException("expected a number for " + key + ", got " + v);
  }

  static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) return null;
    if (v instanceof String s) return s;
    throw new InternalException("expected a string for " + key + ", got " + v);
  }

  static boolean bool(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof Boolean b) return b;
    throw new InternalException("expected a boolean for " + key + ", got " + v);
  }

  static LocalDate date(Map<String, Object> m, String key) {
    String s = str(m, key);
    return s == null ? null : LocalDate.parse(s);
  }

  static Instant instant(Map<String, Object> m, String key) {
    String s = str(m, key);
    return s == null ? null : Instant.parse(s);
  }

  static List<Long> ids(Object v, String what) {
    List<Object> a = arr(v, what);
    List<Long> out = new ArrayList<>(a.size());
    for (Object o : a) out.add(lng(o, what));
    return Collections.unmodifiableList(out);
  }
}

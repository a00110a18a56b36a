package vn.doithoai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binding's own JSON reader and writer: strict, round-tripping, Unicode-correct. */
class JsonTest {
  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null], \"b\": \"x\\u00e9\\n\\\"\\/\", \"c\": {}} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1L, -2L, new BigDecimal("3.5"), new BigDecimal("1e3"), true, false), ((List<?>) m.get("a")).subList(0, 6));
    assertNull(((List<?>) m.get("a")).get(6));
    assertEquals("xé\n\"/", m.get("b"));
    assertEquals(Map.of(), m.get("c"));
    assertEquals(List.of("a", "b", "c"), new ArrayList<>(m.keySet()));  // order kept
  }

  @Test
  void integersKeepTheirExactValue() {
    assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
    assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
    assertEquals(4294967295L, Json.parse("4294967295"));
    assertEquals(0L, Json.parse("-0"));
  }

  @Test
  void unicodeAndSurrogatePairs() {
    assertEquals("Bồ Đề 😀", Json.parse("\"Bồ Đề \\ud83d\\ude00\""));
    assertEquals("😀", Json.parse("\"😀\""));
    String s = "Phường Bồ Đề \"quoted\" \\ tab\t nl\n ctl\u0001 del\u007f 😀";
    assertEquals(s, Json.parse(Json.write(s)));
    assertEquals("\"\\u0001\"", Json.write("\u0001"));
  }

  @Test
  void refusesMalformedText() {
    for (String bad : new String[] {"", " ", "{", "[1,]", "{\"a\":1,}", "[01]", "01", "1.", ".5", "1e", "+1", "-",
        "tru", "nul", "\"abc", "\"a\u0001b\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00x\"",
        "\"\\ud800\\u0041\"", "{\"a\" 1}", "{1: 2}", "[1 2]", "{\"a\":1}x", "[] []", "{\"a\":1,\"a\":2}", "NaN",
        "Infinity", "'a'", "\"\ud800\""}) {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Json.parse(bad), bad);
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }
    assertThrows(InvalidArgumentException.class, () -> Json.parse(null));
  }

  @Test
  void refusesDeepNestingWithoutOverflowingTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThrows(InvalidArgumentException.class, () -> Json.parse(deep));
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertTrue(Json.parse(ok) instanceof List);
    List<Object> nested = new ArrayList<>();
    List<Object> cur = nested;
    for (int k = 0; k < Json.MAX_DEPTH + 5; ++k) {
      List<Object> next = new ArrayList<>();
      cur.add(next);
      cur = next;
    }
    assertThrows(InvalidArgumentException.class, () -> Json.write(nested));
    List<Object> self = new ArrayList<>();
    self.add(self);  // a list that contains itself
    assertThrows(InvalidArgumentException.class, () -> Json.write(self));
  }

  @Test
  void writesJavaValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("d", LocalDate.of(2022, 9, 30));
    m.put("i", Instant.parse("2022-09-30T07:00:00Z"));
    m.put("r", Role.FRONT_CHAIR);
    m.put("n", null);
    m.put("l", List.of(1, 2L, new BigDecimal("2.50")));
    m.put("raw", new Json.Raw("{\"x\":1}"));
    assertEquals("{\"d\":\"2022-09-30\",\"i\":\"2022-09-30T07:00:00.000000Z\",\"r\":\"front_chair\",\"n\":null,"
        + "\"l\":[1,2,2.50],\"raw\":{\"x\":1}}", Json.write(m));
    assertThrows(InvalidArgumentException.class, () -> Json.write(Double.NaN));
    assertThrows(InvalidArgumentException.class, () -> Json.write(new Object()));
    assertThrows(InvalidArgumentException.class, () -> Json.write(Map.of(1, 2)));
    assertThrows(InvalidArgumentException.class, () -> Json.write("lone \ud800 surrogate"));
    assertThrows(InvalidArgumentException.class, () -> Json.write("lone \udc00"));
  }

  @Test
  void parsedValuesAreReadOnly() {
    Map<?, ?> m = (Map<?, ?>) Json.parse("{\"a\":[1]}");
    assertThrows(UnsupportedOperationException.class, () -> m.clear());
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) m.get("a")).clear());
  }
}

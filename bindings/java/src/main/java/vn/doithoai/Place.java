package vn.doithoai;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an opinion's issue is (issue 14, R04): WGS84 degrees and an address ("" for none), the
 * {@code place} of submit_opinion ({@link Command#place}) and of the place queries. Range is
 * checked by the library (lat -90..90, lon -180..180, address at most 512 bytes): an
 * InvalidArgumentException when the command or query runs; NaN and infinities are refused
 * when the JSON is written, with the same exception. Nothing changes either way.
 */
public record Place(double lat, double lon, String address) implements Json.Value {
  public Place {
    if (address == null) address = "";
  }

  /** A place without an address. */
  public Place(double lat, double lon) {
    this(lat, lon, "");
  }

  /** {"lat", "long", "address"} (address left out when empty). */
  @Override
  public Object jsonValue() {
    Map<String, Object> m = new LinkedHashMap<>(4);
    m.put("lat", lat);
    m.put("long", lon);
    if (!address.isEmpty()) m.put("address", address);
    return m;
  }

  static Place parse(Object v) {
    var m = Json.obj(v, "place");
    return new Place(Json.dbl(m, "lat"), Json.dbl(m, "long"), Json.str(m, "address"));
  }
}

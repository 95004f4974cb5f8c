import java.nio.*;
import java.nio.file.*;
import java.util.*;
import ml.dmlc.xgboost4j.java.*;

/** java TrainJava DIR [key=value ...]: XGBoost4J on DIR's matrices; writes DIR/pred-java.bin. */
public class TrainJava {
  static float[] read(Path p) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }
  static DMatrix matrix(String d, String n, String types) throws Exception {
    float[] y = read(Path.of(d, n + ".y"));
    float[] x = read(Path.of(d, n + ".x"));
    DMatrix m = new DMatrix(x, y.length, x.length / y.length, Float.NaN);
    m.setLabel(y);
    m.setFeatureNames(new String[] {"hour", "weekday", "distance", "origin", "destination"});
    m.setFeatureTypes(types.chars().mapToObj(c -> String.valueOf((char) c)).toArray(String[]::new));
    return m;
  }
  public static void main(String[] a) throws Exception {
    String d = a[0];
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("objective", "binary:logistic"); p.put("tree_method", "hist"); p.put("max_depth", 6);
    p.put("eta", 0.1); p.put("subsample", 1.0); p.put("colsample_bytree", 1.0);
    p.put("min_child_weight", 1.0); p.put("lambda", 1.0); p.put("max_bin", 256);
    p.put("max_cat_to_onehot", 4); p.put("verbosity", 0); p.put("eval_metric", "logloss");
    p.put("seed", 0L); p.put("verbose_eval", "false");
    int rounds = 500, es = 20; String types = "qqqcc";
    for (int i = 1; i < a.length; i++) {
      String[] kv = a[i].split("=", 2);
      switch (kv[0]) {
        case "rounds" -> rounds = Integer.parseInt(kv[1]);
        case "es" -> es = Integer.parseInt(kv[1]);
        case "types" -> types = kv[1];
        default -> p.put(kv[0], kv[1]);
      }
    }
    DMatrix train = matrix(d, "train", types), valid = matrix(d, "valid", types), test = matrix(d, "test", types);
    long t = System.nanoTime();
    float[][] curve = new float[1][rounds];
    Booster b = XGBoost.train(train, p, rounds, Map.of("validation", valid), curve, null, null, es);
    StringBuilder sb = new StringBuilder(); for (float c : curve[0]) sb.append(c).append("\n"); Files.writeString(Path.of(d, "curve-java.txt"), sb);
    double secs = (System.nanoTime() - t) / 1e9;
    String best = b.getAttr("best_iteration");
    int bi = es > 0 && best != null ? Integer.parseInt(best) : rounds - 1;
    if (System.getenv("TESTCURVE") != null) {
      ByteBuffer all = ByteBuffer.allocate((rounds / 50) * (int) test.rowNum() * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int k = 50; k <= rounds; k += 50) for (float[] r : b.predict(test, false, k)) all.putFloat(r[0]);
      Files.write(Path.of(d, "testcurve.bin"), all.array());
    }
    float[][] pr = b.predict(test, false, bi + 1);
    ByteBuffer out = ByteBuffer.allocate(pr.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : pr) out.putFloat(r[0]);
    Files.write(Path.of(d, "pred-java.bin"), out.array());
    String cfg = new String(b.toByteArray("json"));
    int i = cfg.indexOf("\"base_score\"");
    System.err.printf("best %d secs %.1f %s%n", bi, secs, cfg.substring(i, i + 30));
    System.out.println(bi + " " + secs + " " + cfg.substring(i, i + 30).replaceAll("[^0-9.E+-]", ""));
  }
}

package io.visionroi.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Beyond loopback" is what Hazelcast will do with the file, however it is written. */
class ClusterSetupTest {

  /** The shipped cluster.xml with these replacements: from, to, from, to... */
  private static Config shippedWith(String... replacements) throws Exception {
    String xml = Files.readString(Path.of("conf", "cluster.xml"));
    for (int i = 0; i < replacements.length; i += 2) {
      assertTrue(xml.contains(replacements[i]), replacements[i]);
      xml = xml.replace(replacements[i], replacements[i + 1]);
    }
    return new XmlConfigBuilder(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).build();
  }

  @Test
  void onlyATcpIpJoinOfLoopbackMembersOnLoopbackInterfacesStaysOnThisMachine() throws Exception {
    assertTrue(ClusterSetup.loopbackOnly(shippedWith()), "as shipped");
    assertFalse(ClusterSetup.loopbackOnly(shippedWith("<multicast enabled=\"false\"/>", "<multicast enabled=\"true\"/>",
        "<tcp-ip enabled=\"true\"", "<tcp-ip enabled=\"false\"")),
        "multicast reaches the network whatever the member list says");
    assertFalse(ClusterSetup.loopbackOnly(shippedWith("<tcp-ip enabled=\"true\"", "<tcp-ip enabled=\"false\"",
        "<auto-detection enabled=\"false\"/>", "<auto-detection enabled=\"true\"/>")), "auto-detection");
    assertFalse(ClusterSetup.loopbackOnly(shippedWith("<interface>127.0.0.1</interface>", "")),
        "no interface named: Hazelcast picks one of the machine's own");
    assertFalse(ClusterSetup.loopbackOnly(shippedWith("<member>127.0.0.1</member>",
        "<member>127.0.0.1</member><member>192.0.2.7</member>")), "a member elsewhere");
    assertFalse(ClusterSetup.loopbackOnly(shippedWith("<interface>127.0.0.1</interface>",
        "<interface>cams.localhost</interface>")), "*.localhost is a name DNS may answer");
  }
}

package dev.sprocket.cli;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped logback.xml must parse: if it does not, logback prints its status on stdout and breaks --json. */
class LoggingConfigTest {
    @Test void shippedConfigurationParsesAndLogsToStderr() throws Exception {
        try (InputStream in = Main.class.getResourceAsStream("/logback.xml")) {
            assertThat(in).as("logback.xml on the classpath").isNotNull();
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            assertThat(doc.getElementsByTagName("target").item(0).getTextContent()).isEqualTo("System.err");
        }
    }
}

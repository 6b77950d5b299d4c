package com.relay.engine;

import org.junit.jupiter.api.Test;

import javax.xml.stream.XMLEventFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * aalto-xml registers itself as a StAX provider as Woodstox does, and the first on the class path
 * wins: POI (the xlsx reader's {@code XMLHelper}) and every other library that asks StAX for its
 * default must keep Woodstox, so woodstox-core stays declared before aalto-xml in pom.xml
 * (docs/ENGINE.md#vendor-file-formats). Only {@link XmlRecords} names Aalto.
 */
class StaxDefaultFactoryTest {

    @Test
    void theDefaultStaxFactoriesAreStillWoodstoxs() {
        assertThat(XMLInputFactory.newFactory().getClass().getName()).isEqualTo("com.ctc.wstx.stax.WstxInputFactory");
        assertThat(XMLOutputFactory.newFactory().getClass().getName()).isEqualTo("com.ctc.wstx.stax.WstxOutputFactory");
        assertThat(XMLEventFactory.newFactory().getClass().getName()).isEqualTo("com.ctc.wstx.stax.WstxEventFactory");
        assertThat(org.apache.poi.util.XMLHelper.newXMLInputFactory().getClass().getName()).isEqualTo("com.ctc.wstx.stax.WstxInputFactory");
    }
}

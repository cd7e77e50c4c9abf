package dev.evstream.spring.web;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A bare application with evstream's auto-configuration, for end-to-end tests.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApplication {

}

package dev.evstream.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application: state {@code counter}, channel {@code chat}, state
 * {@code shared-form}, the per-user todo lists of collection {@code todos}, the todo list
 * everybody shares as record set {@code shared-todos}, the claimable counter's event log,
 * and a page that shows them live.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

package dev.evstream.bench.server.baseline;

import java.util.Map;

import dev.evstream.bench.server.BenchPorts;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The WebFlux baseline server: what a Spring developer typically writes to broadcast over
 * SSE without a library. Its jar holds no evstream.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class BaselineServer {

	/**
	 * Starts the server; Spring Boot arguments such as {@code --server.port} apply.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(BaselineServer.class);
		application.setDefaultProperties(Map.of("server.port", BenchPorts.DEFAULT, "spring.main.banner-mode", "off"));
		application.run(args);
	}

}

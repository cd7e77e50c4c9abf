package dev.evstream.spring.web;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProblemDetailWriter}'s details.
 */
class ProblemDetailWriterTests {

	@Test
	void withDetailWhenDetailMissingShouldDescribeStatusOnACopy() {
		ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.CONTENT_TOO_LARGE);
		problem.setInstance(URI.create("/api/chat"));
		problem.setProperty("limit", 262144);
		ProblemDetail described = ProblemDetailWriter.withDetail(problem);
		assertThat(described).isNotSameAs(problem);
		assertThat(problem.getDetail()).isNull();
		assertThat(described.getDetail()).isEqualTo("The request body is larger than this server accepts");
		assertThat(described.getStatus()).isEqualTo(413);
		assertThat(described.getTitle()).isEqualTo(problem.getTitle());
		assertThat(described.getInstance()).isEqualTo(URI.create("/api/chat"));
		assertThat(described.getProperties()).containsEntry("limit", 262144);
	}

	@Test
	void withDetailWhenDetailPresentShouldKeepIt() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No such channel");
		assertThat(ProblemDetailWriter.withDetail(problem)).isSameAs(problem);
	}

	@Test
	void withDetailWhenDetailBlankShouldDescribeStatus() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, " ");
		assertThat(ProblemDetailWriter.withDetail(problem).getDetail()).isEqualTo("No resource exists at this path");
	}

	@Test
	void describeWhenStatusUnlistedShouldUseTitleAndCode() {
		assertThat(ProblemDetailWriter.describe(418, "I'm a teapot")).isEqualTo("I'm a teapot (HTTP 418)");
		assertThat(ProblemDetailWriter.describe(599, null)).isEqualTo("Error (HTTP 599)");
	}

}

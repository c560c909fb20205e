package dev.sprocket.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ApiJsonTest {
    private final ObjectMapper json = ApiJson.mapper();

    @Test void leaseRoundTripsExactly() throws Exception {
        RenderSettings settings = new RenderSettings(Optional.of(16), Optional.empty(), Optional.of("CYCLES"), OutputFormat.OPEN_EXR,
                Optional.of(false), true, false);
        Job job = new Job("j1", "shot", "jobs/j1/manifest", "", FrameSpec.parse("1-10x2,20"), 2, settings, 5, JobState.ACTIVE,
                Instant.parse("2026-11-21T05:00:00.123Z"));
        Task task = new Task(new TaskId("j1", 3), List.of(7, 9), TaskState.LEASED, 4, 1, Optional.of("w"),
                Optional.of(Instant.parse("2026-11-21T05:01:00Z")), Optional.empty());
        Lease lease = new Lease(job, task, "w", 4, Instant.parse("2026-11-21T05:01:00Z"));
        String text = json.writeValueAsString(lease);
        assertThat(text).contains("\"frames\":\"1-10x2,20\"");
        assertThat(json.readValue(text, Lease.class)).isEqualTo(lease);
    }

    @Test void optionalFieldsMayBeOmitted() throws Exception {
        Dto.Heartbeat h = json.readValue("{\"token\":3}", Dto.Heartbeat.class);
        assertThat(h).isEqualTo(new Dto.Heartbeat(3, Optional.empty()));
    }
}

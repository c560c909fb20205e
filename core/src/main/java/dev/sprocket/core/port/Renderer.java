package dev.sprocket.core.port;

/** Starts render sessions. A session stays open across tasks of one job (the .blend is loaded once). */
public interface Renderer {
    RenderSession open(SessionSpec spec) throws RenderException;
}

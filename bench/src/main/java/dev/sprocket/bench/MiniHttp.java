package dev.sprocket.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection for one simulated worker: POST with a bearer token, read status and body
 * (Content-Length or chunked). Blocking I/O, meant for a virtual thread.
 * <p>Why not {@code java.net.http.HttpClient}: the load generator shares the 2 cores with the server it measures, and
 * the JDK client spends several times the CPU per request of this (its own selector thread, futures and executor
 * hand-offs per exchange); every microsecond it spends is taken from the server. The requests are the same
 * HTTP/1.1 requests (method, path, headers, JSON body) a real worker sends.
 */
final class MiniHttp implements Closeable {
    record Response(int status, byte[] body) {
        String text() { return new String(body, StandardCharsets.UTF_8); }
    }

    private final InetSocketAddress address;
    private final String host;
    private final String token;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    MiniHttp(String host, int port, String token) {
        this.address = new InetSocketAddress(host, port);
        this.host = host + ":" + port;
        this.token = token;
    }

    /** POSTs JSON; reconnects once when the server had closed the kept-alive connection. */
    Response post(String path, byte[] json) throws IOException {
        boolean fresh = socket == null;
        try {
            return exchange(path, json);
        } catch (IOException e) {
            close();
            if (fresh) throw e;
            return exchange(path, json);
        }
    }

    private Response exchange(String path, byte[] json) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, 5000);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            out = socket.getOutputStream();
        }
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[h.length + json.length];
        System.arraycopy(h, 0, request, 0, h.length);
        System.arraycopy(json, 0, request, h.length, json.length);
        out.write(request);
        out.flush();
        return read();
    }

    private Response read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) throw new IOException("not an HTTP/1.1 answer: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String l; !(l = line()).isEmpty(); ) {
            int colon = l.indexOf(':');
            if (colon < 0) continue;
            String name = l.substring(0, colon).trim();
            String value = l.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
            else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) chunked = true;
            else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) close = true;
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) { } // trailers
                    break;
                }
                b.write(in.readNBytes(size));
                line();
            }
            body = b.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length < length) throw new EOFException("connection closed inside a body");
        } else {
            body = code == 204 || code == 304 ? new byte[0] : in.readAllBytes();
            close = close || body.length > 0;
        }
        if (close) close();
        return new Response(code, body);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed");
            if (c == '\n') break;
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }

    @Override public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}

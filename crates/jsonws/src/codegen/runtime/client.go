import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ---- runtime: the same in every client this generator writes ----

// Error is an error reply from the server: its Code, Message and Data (decoded JSON, nil when
// there is none). Return one from an exposed function to answer with it.
type Error struct {
	Code    int64
	Message string
	Data    any
}

func (e *Error) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// TransportError says the call could not be made or answered: no connection, a bad HTTP
// status, a timeout, a reply that does not decode.
type TransportError struct {
	Message string
	Err     error
}

func (e *TransportError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause, if any (context.DeadlineExceeded for a timeout).
func (e *TransportError) Unwrap() error { return e.Err }

// Ptr returns a pointer to v, for optional params and fields: Ptr[int64](10).
func Ptr[T any](v T) *T { return &v }

// DefaultTimeout bounds a call whose context has no deadline.
const DefaultTimeout = 30 * time.Second

func orDefault[T any](p *T, def string) any {
	if p != nil {
		return *p
	}
	return json.RawMessage(def)
}

type wireError struct {
	Code    int64           `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (w *wireError) toError() *Error {
	e := &Error{Code: w.Code, Message: w.Message}
	if len(w.Data) > 0 {
		_ = json.Unmarshal(w.Data, &e.Data)
	}
	return e
}

type wireMessage struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *wireError      `json:"error,omitempty"`
}

type wireRequest struct {
	JSONRPC string `json:"jsonrpc"`
	ID      int64  `json:"id"`
	Method  string `json:"method"`
	Params  []any  `json:"params"`
}

type wireEvent struct {
	name   string
	params json.RawMessage
}

// core is one connection to the service: HTTP POST until the first handler or exposed
// function, then a WebSocket that reconnects with backoff and renews its subscriptions.
type core struct {
	url      string
	wsURL    string
	overHTTP bool
	http     *http.Client

	mu          sync.Mutex
	nextID      int64
	nextHandler int64
	handlers    map[string]map[int64]func(json.RawMessage)
	exposed     map[string]func(json.RawMessage) (any, error)
	subscribed  map[string]bool
	pending     map[int64]chan *wireMessage
	conn        *wsConn
	opening     chan struct{}
	closed      bool
	done        chan struct{}
	events      chan wireEvent
	dispatching bool
}

func newCore(serviceURL string) *core {
	c := &core{
		url:        serviceURL,
		wsURL:      serviceURL,
		http:       &http.Client{},
		handlers:   map[string]map[int64]func(json.RawMessage){},
		exposed:    map[string]func(json.RawMessage) (any, error){},
		subscribed: map[string]bool{},
		pending:    map[int64]chan *wireMessage{},
		done:       make(chan struct{}),
		events:     make(chan wireEvent, 256),
	}
	if strings.HasPrefix(serviceURL, "http://") || strings.HasPrefix(serviceURL, "https://") {
		c.overHTTP = true
		c.wsURL = "ws" + serviceURL[4:]
	}
	return c
}

func (c *core) usesHTTP() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.overHTTP && c.conn == nil && c.opening == nil && len(c.handlers) == 0 && len(c.exposed) == 0
}

func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, DefaultTimeout)
}

func (c *core) call(ctx context.Context, method string, params []any, out any) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var raw json.RawMessage
	var err error
	if c.usesHTTP() {
		raw, err = c.post(ctx, method, params)
	} else {
		var conn *wsConn
		if conn, err = c.connect(ctx); err == nil {
			raw, err = c.send(ctx, conn, method, params)
		}
	}
	if err != nil {
		return err
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return &TransportError{Message: "cannot decode the result of " + method, Err: err}
		}
	}
	return nil
}

func (c *core) takeID() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	return c.nextID
}

func (c *core) post(ctx context.Context, method string, params []any) (json.RawMessage, error) {
	body, err := json.Marshal(wireRequest{"2.0", c.takeID(), method, params})
	if err != nil {
		return nil, &TransportError{Message: "cannot encode the params of " + method, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, &TransportError{Message: "bad service URL " + c.url, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &TransportError{Message: "cannot reach " + c.url, Err: err}
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &TransportError{Message: "cannot read the reply to " + method, Err: err}
	}
	if resp.StatusCode == http.StatusNoContent {
		return nil, nil
	}
	var reply wireMessage
	if err := json.Unmarshal(text, &reply); err != nil {
		return nil, &TransportError{Message: fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, text)}
	}
	if reply.Error != nil {
		return nil, reply.Error.toError()
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &TransportError{Message: fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, text)}
	}
	return reply.Result, nil
}

func (c *core) connect(ctx context.Context) (*wsConn, error) {
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, &TransportError{Message: "the client is closed"}
		}
		if c.conn != nil {
			conn := c.conn
			c.mu.Unlock()
			return conn, nil
		}
		if c.opening == nil {
			opening := make(chan struct{})
			c.opening = opening
			c.mu.Unlock()
			conn, err := c.open(ctx)
			c.mu.Lock()
			c.opening = nil
			close(opening)
			c.mu.Unlock()
			return conn, err
		}
		opening := c.opening
		c.mu.Unlock()
		select {
		case <-opening:
		case <-ctx.Done():
			return nil, &TransportError{Message: "cannot open a WebSocket to " + c.wsURL, Err: ctx.Err()}
		}
	}
}

func (c *core) open(ctx context.Context) (*wsConn, error) {
	conn, err := dialWebSocket(ctx, c.wsURL)
	if err != nil {
		return nil, &TransportError{Message: "cannot open a WebSocket to " + c.wsURL, Err: err}
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		conn.close()
		return nil, &TransportError{Message: "the client is closed"}
	}
	c.conn = conn
	c.subscribed = map[string]bool{}
	events := []any{}
	for name := range c.handlers {
		events = append(events, name)
	}
	if !c.dispatching {
		c.dispatching = true
		go c.dispatch()
	}
	c.mu.Unlock()
	go c.read(conn)
	if len(events) > 0 {
		if _, err := c.send(ctx, conn, "rpc.on", events); err != nil {
			return nil, err
		}
		c.mu.Lock()
		for _, name := range events {
			c.subscribed[name.(string)] = true
		}
		c.mu.Unlock()
	}
	return conn, nil
}

func (c *core) send(ctx context.Context, conn *wsConn, method string, params []any) (json.RawMessage, error) {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	reply := make(chan *wireMessage, 1)
	c.pending[id] = reply
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()
	body, err := json.Marshal(wireRequest{"2.0", id, method, params})
	if err != nil {
		return nil, &TransportError{Message: "cannot encode the params of " + method, Err: err}
	}
	if err := conn.write(opText, body); err != nil {
		return nil, &TransportError{Message: "cannot send " + method, Err: err}
	}
	select {
	case m := <-reply:
		if m == nil {
			return nil, &TransportError{Message: "the connection closed before the reply to " + method}
		}
		if m.Error != nil {
			return nil, m.Error.toError()
		}
		return m.Result, nil
	case <-ctx.Done():
		return nil, &TransportError{Message: "no reply to " + method, Err: ctx.Err()}
	}
}

func (c *core) read(conn *wsConn) {
	for {
		data, err := conn.readMessage()
		if err != nil {
			break
		}
		c.receive(conn, data)
	}
	conn.close()
	c.mu.Lock()
	if c.conn == conn {
		c.conn = nil
	}
	for id, reply := range c.pending {
		close(reply)
		delete(c.pending, id)
	}
	again := !c.closed && (len(c.handlers) > 0 || len(c.exposed) > 0)
	c.mu.Unlock()
	if again {
		go c.reconnect()
	}
}

func (c *core) reconnect() {
	for attempt := 0; ; attempt++ {
		delay := 250 * time.Millisecond << uint(attempt)
		if attempt > 7 || delay > 30*time.Second {
			delay = 30 * time.Second
		}
		delay = delay/2 + time.Duration(mathrand.Int63n(int64(delay/2)+1))
		select {
		case <-time.After(delay):
		case <-c.done:
			return
		}
		c.mu.Lock()
		stop := c.closed || c.conn != nil
		c.mu.Unlock()
		if stop {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
		_, err := c.connect(ctx)
		cancel()
		if err == nil {
			return
		}
	}
}

func (c *core) receive(conn *wsConn, data []byte) {
	var batch []wireMessage
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		if json.Unmarshal(t, &batch) != nil {
			return
		}
	} else {
		var m wireMessage
		if json.Unmarshal(data, &m) != nil {
			return
		}
		batch = []wireMessage{m}
	}
	for i := range batch {
		m := batch[i]
		switch {
		case m.Method != "" && len(m.ID) > 0:
			go c.answer(conn, m)
		case m.Method != "":
			select {
			case c.events <- wireEvent{m.Method, m.Params}:
			case <-c.done:
			}
		default:
			var id int64
			if json.Unmarshal(m.ID, &id) != nil {
				continue
			}
			c.mu.Lock()
			reply, ok := c.pending[id]
			delete(c.pending, id)
			c.mu.Unlock()
			if ok {
				reply <- &m
			}
		}
	}
}

// dispatch calls the handlers of each event in order, in a goroutine of its own, so that a
// handler may call the service.
func (c *core) dispatch() {
	for {
		select {
		case e := <-c.events:
			c.mu.Lock()
			var handlers []func(json.RawMessage)
			for _, h := range c.handlers[e.name] {
				handlers = append(handlers, h)
			}
			c.mu.Unlock()
			var data json.RawMessage
			var list []json.RawMessage
			if json.Unmarshal(e.params, &list) == nil && len(list) > 0 {
				data = list[0]
			}
			for _, h := range handlers {
				func() {
					defer func() { _ = recover() }()
					h(data)
				}()
			}
		case <-c.done:
			return
		}
	}
}

func (c *core) answer(conn *wsConn, m wireMessage) {
	c.mu.Lock()
	fn := c.exposed[m.Method]
	c.mu.Unlock()
	reply := map[string]any{"jsonrpc": "2.0", "id": m.ID}
	if fn == nil {
		reply["error"] = map[string]any{"code": -32601, "message": "Method not found: " + m.Method}
	} else {
		result, err := func() (result any, err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("%v", p)
				}
			}()
			return fn(m.Params)
		}()
		var rpcErr *Error
		switch {
		case errors.As(err, &rpcErr):
			reply["error"] = map[string]any{"code": rpcErr.Code, "message": rpcErr.Message, "data": rpcErr.Data}
		case err != nil:
			reply["error"] = map[string]any{"code": -32000, "message": err.Error()}
		default:
			reply["result"] = result
		}
	}
	body, err := json.Marshal(reply)
	if err != nil {
		body, _ = json.Marshal(map[string]any{"jsonrpc": "2.0", "id": m.ID,
			"error": map[string]any{"code": -32603, "message": "cannot encode the result: " + err.Error()}})
	}
	_ = conn.write(opText, body)
}

func (c *core) on(ctx context.Context, event string, handler func(json.RawMessage)) (func(), error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c.mu.Lock()
	c.nextHandler++
	hid := c.nextHandler
	if c.handlers[event] == nil {
		c.handlers[event] = map[int64]func(json.RawMessage){}
	}
	c.handlers[event][hid] = handler
	c.mu.Unlock()
	remove := func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		hs := c.handlers[event]
		delete(hs, hid)
		if len(hs) == 0 {
			delete(c.handlers, event)
			delete(c.subscribed, event)
			return true
		}
		return false
	}
	conn, err := c.connect(ctx)
	if err != nil {
		remove()
		return nil, err
	}
	c.mu.Lock()
	needed := !c.subscribed[event]
	c.mu.Unlock()
	if needed {
		if _, err := c.send(ctx, conn, "rpc.on", []any{event}); err != nil {
			remove()
			return nil, err
		}
		c.mu.Lock()
		c.subscribed[event] = true
		c.mu.Unlock()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			if !remove() {
				return
			}
			c.mu.Lock()
			conn := c.conn
			c.mu.Unlock()
			if conn != nil {
				ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
				defer cancel()
				_, _ = c.send(ctx, conn, "rpc.off", []any{event})
			}
		})
	}, nil
}

func (c *core) expose(ctx context.Context, name string, fn func(json.RawMessage) (any, error)) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c.mu.Lock()
	c.exposed[name] = fn
	c.mu.Unlock()
	_, err := c.connect(ctx)
	return err
}

func (c *core) close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.done)
	conn := c.conn
	c.conn = nil
	c.mu.Unlock()
	if conn != nil {
		_ = conn.write(opClose, []byte{0x03, 0xe8})
		conn.close()
	}
	return nil
}

// ---- a WebSocket client (RFC 6455) over net.Conn ----

const (
	opContinuation = 0x0
	opText         = 0x1
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xa
	maxMessage     = 1 << 30
)

type wsConn struct {
	conn   net.Conn
	reader *bufio.Reader
	wmu    sync.Mutex
	once   sync.Once
}

func dialWebSocket(ctx context.Context, raw string) (*wsConn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	secure := u.Scheme == "wss"
	if !secure && u.Scheme != "ws" {
		return nil, fmt.Errorf("a WebSocket URL starts with ws:// or wss://, not %q", raw)
	}
	addr := u.Host
	if u.Port() == "" {
		if secure {
			addr = net.JoinHostPort(u.Hostname(), "443")
		} else {
			addr = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	dialer := &net.Dialer{}
	var conn net.Conn
	if secure {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: &tls.Config{ServerName: u.Hostname()}}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		conn.Close()
		return nil, err
	}
	key := base64.StdEncoding.EncodeToString(nonce)
	request := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
		"\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(conn, request); err != nil {
		conn.Close()
		return nil, err
	}
	reader := bufio.NewReader(conn)
	resp, err := http.ReadResponse(reader, &http.Request{Method: http.MethodGet})
	if err != nil {
		conn.Close()
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		conn.Close()
		return nil, fmt.Errorf("the server answered the WebSocket handshake with HTTP %d", resp.StatusCode)
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		conn.Close()
		return nil, errors.New("the server's Sec-WebSocket-Accept does not match the key")
	}
	_ = conn.SetDeadline(time.Time{})
	return &wsConn{conn: conn, reader: reader}, nil
}

func (w *wsConn) write(op byte, payload []byte) error {
	frame := make([]byte, 0, len(payload)+14)
	frame = append(frame, 0x80|op)
	switch n := len(payload); {
	case n < 126:
		frame = append(frame, 0x80|byte(n))
	case n <= 0xffff:
		frame = append(frame, 0x80|126, byte(n>>8), byte(n))
	default:
		frame = append(frame, 0x80|127)
		frame = binary.BigEndian.AppendUint64(frame, uint64(n))
	}
	var mask [4]byte
	if _, err := rand.Read(mask[:]); err != nil {
		return err
	}
	frame = append(frame, mask[:]...)
	for i, b := range payload {
		frame = append(frame, b^mask[i%4])
	}
	w.wmu.Lock()
	defer w.wmu.Unlock()
	_, err := w.conn.Write(frame)
	return err
}

func (w *wsConn) readMessage() ([]byte, error) {
	var message []byte
	for {
		var head [2]byte
		if _, err := io.ReadFull(w.reader, head[:]); err != nil {
			return nil, err
		}
		fin, op := head[0]&0x80 != 0, head[0]&0x0f
		length := uint64(head[1] & 0x7f)
		switch length {
		case 126:
			var ext [2]byte
			if _, err := io.ReadFull(w.reader, ext[:]); err != nil {
				return nil, err
			}
			length = uint64(binary.BigEndian.Uint16(ext[:]))
		case 127:
			var ext [8]byte
			if _, err := io.ReadFull(w.reader, ext[:]); err != nil {
				return nil, err
			}
			length = binary.BigEndian.Uint64(ext[:])
		}
		var mask [4]byte
		masked := head[1]&0x80 != 0
		if masked {
			if _, err := io.ReadFull(w.reader, mask[:]); err != nil {
				return nil, err
			}
		}
		if length > maxMessage || uint64(len(message))+length > maxMessage {
			return nil, errors.New("a WebSocket message over 1 GiB")
		}
		payload := make([]byte, length)
		if _, err := io.ReadFull(w.reader, payload); err != nil {
			return nil, err
		}
		if masked {
			for i := range payload {
				payload[i] ^= mask[i%4]
			}
		}
		switch op {
		case opClose:
			_ = w.write(opClose, payload)
			return nil, io.EOF
		case opPing:
			if err := w.write(opPong, payload); err != nil {
				return nil, err
			}
			continue
		case opPong:
			continue
		case opContinuation:
			message = append(message, payload...)
		default:
			message = payload
		}
		if fin {
			return message, nil
		}
	}
}

func (w *wsConn) close() {
	w.once.Do(func() { _ = w.conn.Close() })
}

// Name, place and phone pools for seeding: per country, with the accents,
// apostrophes and formats a real European/American CRM holds.

export interface CountryPool {
  first: string[];
  last: string[];
  cities: Array<[string, string]>; // [city, zip pattern: '#' digit, 'A' letter]
  streets: string[];
  /** Number formats with and without the country prefix ('#' = digit). */
  phones: string[];
  mobiles: string[];
  lang: string;
  companySuffix: string[];
  weight: number;
}

export const POOLS: Record<string, CountryPool> = {
  FR: {
    first: ['François', 'Zoë', 'Hélène', 'Jérôme', 'Chloé', 'Gaël', 'Anaïs', 'Loïc', 'Céline', 'Mathieu', 'Amélie', 'Noël'],
    last: ['Dupont', 'Lefèvre', 'Gérard', 'Moreau', 'Bénard', "D'Arcy", 'Rousseau', 'Fontaine', 'Chevalier', 'Lemaître'],
    cities: [['Paris', '750##'], ['Lyon', '6900#'], ['Marseille', '130##'], ['Besançon', '25000'], ['Nîmes', '30000']],
    streets: ['rue de la Paix', 'avenue Jean Jaurès', 'boulevard Saint-Michel', 'rue du Général Leclerc', 'place de l’Église'],
    phones: ['+33 1 ## ## ## ##', '01 ## ## ## ##', '+331########', '0033 4 ## ## ## ##'],
    mobiles: ['+33 6 ## ## ## ##', '06 ## ## ## ##', '07########'],
    lang: 'fr_FR', companySuffix: ['SARL', 'SAS', 'S.A.'], weight: 20,
  },
  DE: {
    first: ['Jürgen', 'Maximilian', 'Sören', 'Bärbel', 'Jörg', 'Günther', 'Käthe', 'Lukas', 'Anja', 'Björn'],
    last: ['Müller', 'Schröder', 'Weiß', 'Groß', 'Köhler', 'Schäfer', 'Hoffmann', 'Bäcker', 'Fuchs', 'Öztürk'],
    cities: [['Berlin', '10###'], ['München', '80###'], ['Köln', '50###'], ['Düsseldorf', '40###']],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Schloßallee', 'Königsweg', 'Gartenstraße'],
    phones: ['+49 30 #######', '030 #######', '+49 (0)89 ### ####', '089/#######'],
    mobiles: ['+49 151 ########', '0171 #######', '+49176########'],
    lang: 'de_DE', companySuffix: ['GmbH', 'AG', 'GmbH & Co. KG'], weight: 15,
  },
  US: {
    first: ['John', 'Mary', 'Patrick', 'Linda', 'Zoë', 'Dwayne', 'Siobhan', 'Chris', 'Ashley', 'Michael'],
    last: ["O'Brien", 'Smith', 'Johnson', 'García', 'Nguyen', 'Miller', 'Davis', 'Wilson', "O'Connor", 'Brown'],
    cities: [['New York', '100##'], ['San Francisco', '941##'], ['Austin', '787##'], ['Chicago', '606##']],
    streets: ['Main Street', 'Broadway', 'Elm Street', 'Maple Avenue', 'Sunset Blvd'],
    phones: ['+1 (555) ###-####', '(555) ###-####', '555.###.####', '+1 555 ### ####', '555-###-####'],
    mobiles: ['+1 555-###-####', '(555) ###-####'],
    lang: 'en_US', companySuffix: ['Inc.', 'LLC', 'Corp.'], weight: 15,
  },
  ES: {
    first: ['José', 'María', 'Jesús', 'Inés', 'Álvaro', 'Begoña', 'Iñaki', 'Lucía', 'Ramón', 'Nuria'],
    last: ['García', 'Núñez', 'Martínez', 'López', 'Sánchez', 'Peña', 'Ibáñez', 'Muñoz', 'Fernández'],
    cities: [['Madrid', '280##'], ['Barcelona', '080##'], ['Valencia', '460##'], ['Málaga', '290##']],
    streets: ['Calle Mayor', 'Avenida de la Constitución', 'Plaza de España', 'Calle de Alcalá'],
    phones: ['+34 91 ### ## ##', '91 ### ## ##', '+34 93#######'],
    mobiles: ['+34 6## ### ###', '6## ## ## ##', '0034 6########'],
    lang: 'es_ES', companySuffix: ['S.L.', 'S.A.'], weight: 8,
  },
  GB: {
    first: ['Oliver', 'Amelia', 'Siân', 'Niamh', 'Harry', 'Isla', 'Rhys', 'Eóin', 'Charlotte'],
    last: ['Smith', 'Jones', "O'Neill", 'Taylor', 'Brown', 'Davies', 'Evans', 'Wright', 'Ffion-Hughes'],
    cities: [['London', 'SW1A #AA'], ['Manchester', 'M# #AA'], ['Edinburgh', 'EH# #AA']],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road'],
    phones: ['+44 20 #### ####', '020 #### ####', '+44 (0)161 ### ####'],
    mobiles: ['+44 7### ######', '07### ######'],
    lang: 'en_US', companySuffix: ['Ltd', 'PLC', 'LLP'], weight: 8,
  },
  BR: {
    first: ['João', 'Conceição', 'Luís', 'Antônio', 'Fábio', 'Letícia', 'Gonçalo', 'Taís', 'Márcio'],
    last: ['Silva', 'Conceição', 'Gonçalves', 'Araújo', 'Simões', 'Magalhães', 'Lopes', 'Pereira'],
    cities: [['São Paulo', '01###-###'], ['Rio de Janeiro', '20###-###'], ['Belo Horizonte', '30###-###']],
    streets: ['Rua Augusta', 'Avenida Paulista', 'Rua das Flores', 'Avenida Atlântica'],
    phones: ['+55 11 ####-####', '(11) ####-####', '+55 21 #### ####'],
    mobiles: ['+55 11 9####-####', '(21) 9####-####', '+5511#########'],
    lang: 'pt_BR', companySuffix: ['Ltda.', 'S.A.'], weight: 8,
  },
  IT: {
    first: ['Niccolò', 'Lucia', 'Giuseppe', 'Chiara', 'Nicolò', 'Francesca', 'Andrea', 'Beatrice'],
    last: ['Rossi', 'Bianchi', "D'Angelo", 'Esposito', 'Romano', 'Colombo', 'Ricci', 'Mazzà'],
    cities: [['Milano', '201##'], ['Roma', '001##'], ['Torino', '101##']],
    streets: ['Via Roma', 'Corso Vittorio Emanuele', 'Via Garibaldi', 'Piazza del Duomo'],
    phones: ['+39 02 #### ####', '02 #### ####', '+39 06########'],
    mobiles: ['+39 3## ### ####', '3## #######'],
    lang: 'it_IT', companySuffix: ['S.r.l.', 'S.p.A.'], weight: 7,
  },
  BE: {
    first: ['Maël', 'Lotte', 'Wouter', 'Anaïs', 'Stéphane', 'Lieve', 'Geert'],
    last: ['Peeters', 'Janssens', 'Dubois', 'Van den Broeck', 'Lambert', 'De Smet'],
    cities: [['Bruxelles', '10##'], ['Antwerpen', '20##'], ['Liège', '40##']],
    streets: ['Rue Neuve', 'Meir', 'Avenue Louise', 'Grote Markt'],
    phones: ['+32 2 ### ## ##', '02 ### ## ##'],
    mobiles: ['+32 4## ## ## ##', '04## ## ## ##'],
    lang: 'fr_FR', companySuffix: ['SPRL', 'NV', 'BV'], weight: 5,
  },
  PT: {
    first: ['João', 'Inês', 'Gonçalo', 'Beatriz', 'Tomás', 'Leonor'],
    last: ['Gonçalves', 'Ferreira', 'Simões', 'Conceição', 'Magalhães', 'Sousa'],
    cities: [['Lisboa', '1###-###'], ['Porto', '4###-###']],
    streets: ['Rua Augusta', 'Avenida da Liberdade', 'Rua de Santa Catarina'],
    phones: ['+351 21 ### ####', '21 ### ####'],
    mobiles: ['+351 9## ### ###', '9## ### ###'],
    lang: 'pt_BR', companySuffix: ['Lda.', 'S.A.'], weight: 4,
  },
  CH: {
    first: ['Reto', 'Zoë', 'Ursina', 'Noémie', 'Jürg', 'Léa'],
    last: ['Müller', 'Meier', 'Favre', 'Keller', 'Gerber', 'Brändli'],
    cities: [['Zürich', '80##'], ['Genève', '12##'], ['Lausanne', '10##']],
    streets: ['Bahnhofstrasse', 'Rue du Rhône', 'Marktgasse'],
    phones: ['+41 44 ### ## ##', '044 ### ## ##'],
    mobiles: ['+41 79 ### ## ##', '079 ### ## ##'],
    lang: 'de_DE', companySuffix: ['AG', 'SA', 'GmbH'], weight: 4,
  },
  PL: {
    first: ['Łukasz', 'Małgorzata', 'Paweł', 'Agnieszka', 'Wojciech', 'Zofia'],
    last: ['Wójcik', 'Kowalczyk', 'Żak', 'Szymański', 'Dąbrowski', 'Łęcki'],
    cities: [['Warszawa', '00-###'], ['Kraków', '30-###'], ['Łódź', '90-###']],
    streets: ['ul. Marszałkowska', 'ul. Floriańska', 'ul. Piotrkowska'],
    phones: ['+48 22 ### ## ##', '22 ### ## ##'],
    mobiles: ['+48 5## ### ###', '6## ### ###'],
    lang: 'en_US', companySuffix: ['Sp. z o.o.', 'S.A.'], weight: 3,
  },
  SE: {
    first: ['Åsa', 'Björn', 'Märta', 'Sören', 'Linnéa', 'Örjan'],
    last: ['Ångström', 'Öberg', 'Åkesson', 'Lindqvist', 'Sjöberg', 'Nyström'],
    cities: [['Stockholm', '1## ##'], ['Göteborg', '4## ##'], ['Malmö', '2## ##']],
    streets: ['Drottninggatan', 'Kungsgatan', 'Storgatan'],
    phones: ['+46 8 ### ### ##', '08-### ### ##'],
    mobiles: ['+46 70 ### ## ##', '070-### ## ##'],
    lang: 'en_US', companySuffix: ['AB'], weight: 3,
  },
};

export const COMPANY_STEMS = [
  'Lumière', 'Nordwind', 'Agência Sol', 'Bäckerei Groß', 'Ångström Labs', 'Café Olé', 'Zoë & Co', 'Fjällräv',
  'Blue Harbor', 'Vértice', 'Kraków Tech', 'Atelier Noël', 'Red Maple', 'Mediterránea', 'Alpenglühen', 'Porto Vivo',
  'Quantum Leaf', 'Bright Fields', 'Müller Logistik', 'Société Générale de Café', 'Orbital', 'Helvetia Data',
];

export const TAGS = ['Customer', 'Prospect', 'VIP', 'Newsletter', 'Partner', 'Supplier', 'B2B', 'Event 2024'];
export const FUNCTIONS = ['CEO', 'Sales Manager', 'Buyer', 'Accountant', 'Marketing Director', 'Office Manager', 'CTO'];
export const MAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com', 'gmx.example', 'orange.example', 'uol.example', 'web.example'];
export const INVALID_EMAILS = ['not an email', 'jane@', '@example.com', 'john.doe(at)example.com', 'n/a', 'foo@bar@baz.example'];
export const UNPARSEABLE_PHONES = ['12', '000', 'n/a', 'call reception', '+', '1234567890123456789'];
